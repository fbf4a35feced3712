import { runProfile } from '../run-profile.ts';

runProfile('lab/flannel-vxlan');
