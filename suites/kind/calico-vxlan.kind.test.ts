import { runProfile } from '../run-profile.ts';

runProfile('kind/calico-vxlan');
