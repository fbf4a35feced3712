import { runProfile } from '../run-profile.ts';

runProfile('calico-lab');
