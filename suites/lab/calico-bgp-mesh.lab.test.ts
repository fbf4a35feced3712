import { runProfile } from '../run-profile.ts';

runProfile('lab/calico-bgp-mesh');
