// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two policies learn mode starts from (learn/learn.h): the reference,
 * whose system paths a learnt policy takes and whose denials it keeps --
 * the installed default policy, else the one this binary was built with
 * (policies/default.yaml) -- and the base a run learns under when no
 * --policy is given, which observes everything and denies nothing: every
 * section is present (so every layer is set up and every action passes
 * through the layers that see it) with an allow default, and /tmp is the
 * agent's own when the reference says so, as it will be under the
 * learnt policy.
 */
#include <errno.h>
#include <unistd.h>

#include "learn/default_policy.h" /* generated from policies/default.yaml */
#include "learn/learn.h"

static const char observe_all[] = "version: 1\n"
				  "mode: enforce\n"
				  "network:\n  default: allow\n"
				  "files:\n  default: allow\n"
				  "exec:\n  default: allow\n";
static const char observe_all_private_tmp[] = "version: 1\n"
					      "mode: enforce\n"
					      "tmp: private\n"
					      "network:\n  default: allow\n"
					      "files:\n  default: allow\n"
					      "exec:\n  default: allow\n";

int learn_reference(const struct policy_env *env, struct policy **ret, struct policy_diag *diag)
{
	if (access(POLICY_FILE_DEFAULT, R_OK) == 0)
		return policy_load(POLICY_FILE_DEFAULT, env, ret, diag);
	return policy_load_text("(the built-in default policy)", learn_default_policy, env, ret,
				diag);
}

int learn_base(const struct policy_env *env, bool private_tmp, struct policy **ret,
	       struct policy_diag *diag)
{
	return policy_load_text("(learn mode: observe everything)",
				private_tmp ? observe_all_private_tmp : observe_all, env, ret, diag);
}
