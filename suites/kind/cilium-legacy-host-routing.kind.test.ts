import { runProfile } from '../run-profile.ts';

runProfile('kind/cilium-legacy-host-routing');
