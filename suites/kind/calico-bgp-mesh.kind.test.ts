import { runProfile } from '../run-profile.ts';

runProfile('kind/calico-bgp-mesh');
