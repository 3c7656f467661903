/* The exit handlers the EC table in exit.c points at. Each one gets the
 * vCPU with v->exit filled and decides what the guest sees next. */
#ifndef HV_TRAP_HANDLERS_H
#define HV_TRAP_HANDLERS_H

#include "exit.h"

enum exit_action handle_unknown_ec(struct vcpu *v);
enum exit_action handle_wfx(struct vcpu *v);
enum exit_action handle_hvc(struct vcpu *v);
enum exit_action handle_smc(struct vcpu *v);
enum exit_action handle_sysreg(struct vcpu *v);
enum exit_action handle_dabt(struct vcpu *v);
enum exit_action handle_iabt(struct vcpu *v);

#endif
