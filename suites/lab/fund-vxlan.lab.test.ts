import { runProfile } from '../run-profile.ts';

runProfile('fund-vxlan');
