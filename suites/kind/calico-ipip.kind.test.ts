import { runProfile } from '../run-profile.ts';

runProfile('kind/calico-ipip');
