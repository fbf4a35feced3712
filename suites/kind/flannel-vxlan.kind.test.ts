import { runProfile } from '../run-profile.ts';

runProfile('kind/flannel-vxlan');
