/*
 * Constants shared by the target's assembly and C. The vCPU frame offsets
 * repeat src/vcpu.h's (which asm cannot include); target/layout_check.c
 * asserts that they agree.
 */
#ifndef TARGET_ASM_DEFS_H
#define TARGET_ASM_DEFS_H

#define TGT_VCPU_REGS_SP_EL0 (31 * 8)
#define TGT_VCPU_REGS_PC (32 * 8)
#define TGT_VCPU_REGS_PSTATE (33 * 8)
#define TGT_VCPU_EXIT_OFFSET (34 * 8)
#define TGT_VCPU_EXIT_ESR (TGT_VCPU_EXIT_OFFSET + 0)
#define TGT_VCPU_EXIT_FAR (TGT_VCPU_EXIT_OFFSET + 8)
#define TGT_VCPU_EXIT_HPFAR (TGT_VCPU_EXIT_OFFSET + 16)

/* struct tgt_cpu (percpu.h), which TPIDR_EL2 points at: the current vCPU. */
#define TGT_CPU_CURRENT 0

/* struct smp_boot (smp.c): what a secondary CPU loads before its MMU is
 * on, cleaned to the point of coherency by the boot CPU. */
#define SMP_BOOT_MAIR 0
#define SMP_BOOT_TCR 8
#define SMP_BOOT_TTBR0 16
#define SMP_BOOT_SCTLR 24
#define SMP_BOOT_SP 32
#define SMP_BOOT_CPU 40
#define SMP_BOOT_SIZE 64

/* struct vcpu_fpsimd */
#define TGT_FPSIMD_FPSR (32 * 16)
#define TGT_FPSIMD_FPCR (32 * 16 + 4)

/* What vcpu_run() returns: which lower-EL vector the guest left through. */
#define GUEST_EXC_SYNC 0
#define GUEST_EXC_IRQ 1
#define GUEST_EXC_FIQ 2
#define GUEST_EXC_SERROR 3

/* Fatal (current-EL) exception kinds, for the report. */
#define EL2_EXC_SP0_SYNC 0
#define EL2_EXC_SP0_IRQ 1
#define EL2_EXC_SP0_FIQ 2
#define EL2_EXC_SP0_SERROR 3
#define EL2_EXC_SYNC 4
#define EL2_EXC_IRQ 5
#define EL2_EXC_FIQ 6
#define EL2_EXC_SERROR 7

/* The frame el2_fatal builds: x0-x30, sp, elr, spsr, esr, far, kind. */
#define EL2_FRAME_SP (31 * 8)
#define EL2_FRAME_ELR (32 * 8)
#define EL2_FRAME_SPSR (33 * 8)
#define EL2_FRAME_ESR (34 * 8)
#define EL2_FRAME_FAR (35 * 8)
#define EL2_FRAME_KIND (36 * 8)
#define EL2_FRAME_SIZE (38 * 8) /* multiple of 16 */

/* Stacks, one slot per physical CPU: an unmapped guard page, then the
 * stack, so an overflow faults instead of overwriting the slot below. */
#define HV_MAX_CPUS 8
#define HV_STACK_SIZE 0x4000
#define HV_STACK_GUARD 0x1000
#define HV_STACK_SLOT (HV_STACK_GUARD + HV_STACK_SIZE)
/* vectors.S reports an EL2 exception on a stack of its own, one per CPU. */
#define EL2_FATAL_STACK_SHIFT 14 /* 16 KiB */

/* SCTLR_EL2 RES1 bits with the MMU, caches and alignment checks off. */
#define SCTLR_EL2_RES1 0x30c50830
/* CPTR_EL2 (nVHE) RES1 bits; TFP clear so EL2 may use FP/SIMD (libfdt). */
#define CPTR_EL2_RES1 0x33ff

/* The only UART address we can assume before the DTB is parsed (QEMU virt):
 * used for the "not entered at EL2" message alone. */
#define EARLY_UART_PA 0x09000000

#endif
