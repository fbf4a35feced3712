import { runProfile } from '../run-profile.ts';

runProfile('kind/cilium-dsr');
