/* Tiny guest entry points.
 * 0x100000: 32-bit boot-protocol entry (code32_start). We are only entered at the 64-bit
 *           entry, so this just stops.
 * 0x100200: 64-bit entry (Linux boot protocol, "64-bit BOOT PROTOCOL"): long mode,
 *           identity-mapped, boot_params in %rsi.
 * pvh_start: 32-bit PVH entry (Xen start_info ABI): protected mode, paging off,
 *           hvm_start_info in %ebx. We build our own page tables and enter long mode. */
    .section .head, "ax"
    .code32
    .globl startup_32
startup_32:
    cli
1:  hlt
    jmp 1b

    .org 0x200
    .code64
    .globl startup_64
startup_64:
    cli
    lea stack_top(%rip), %rsp
    mov %rsi, %rdi          /* boot_params */
    xor %esi, %esi          /* not PVH */
    call guest_main
2:  hlt
    jmp 2b

    .code32
    .globl pvh_start
pvh_start:
    cli
    mov %ebx, %edi          /* keep start_info */
    /* Identity map the first 1 GiB with 2 MiB pages, plus the two 2 MiB pages holding the
     * IOAPIC (0xFEC00000) and the LAPIC (0xFEE00000). Mapping all 4 GiB would cost 2048
     * loop iterations, which an emulated KVM runs slowly enough to show in start-up time. */
    mov $pvh_pd, %eax
    xor %ecx, %ecx
3:  mov %ecx, %edx
    shl $21, %edx
    or $0x83, %edx          /* present, writable, 2 MiB */
    mov %edx, (%eax,%ecx,8)
    movl $0, 4(%eax,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jne 3b
    mov $pvh_pd_apic, %eax
    movl $0xFEC00083, 0x1F6 * 8(%eax)
    movl $0xFEE00083, 0x1F7 * 8(%eax)
    mov $pvh_pdpt, %eax
    movl $pvh_pd + 3, (%eax)
    movl $pvh_pd_apic + 3, 24(%eax)
    mov $pvh_pml4, %eax
    movl $pvh_pdpt + 3, (%eax)
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax          /* PAE */
    mov %eax, %cr4
    mov $0xC0000080, %ecx   /* EFER.LME */
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax    /* PG | PE */
    mov %eax, %cr0
    lgdt pvh_gdt_desc
    ljmp $0x08, $pvh_64
    .code64
pvh_64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    lea stack_top(%rip), %rsp
    mov %edi, %esi
    xor %edi, %edi          /* no boot_params */
    call guest_main
4:  hlt
    jmp 4b

/* The registers the C calling convention lets a callee clobber: what an interrupt entry
 * saves around its call into C (nine pushes). */
    .macro save_caller_saved
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    .endm
    .macro restore_caller_saved
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    .endm

/* Interrupt entry for the serial port's vector (guest.mode=irq): save the caller-saved
 * registers, let C handle the UART and the EOI, return. The CPU leaves RSP 16-byte
 * aligned minus 8 after its 5-word frame; nine pushes restore the call ABI's alignment. */
    .text
    .globl irq_serial_entry
irq_serial_entry:
    save_caller_saved
    cld
    call serial_irq
    restore_caller_saved
    iretq

/* The virtio tests' vectors (INTx 0x30, MSI-X 0x40-0x43): each stub pushes its vector
 * and shares the register saving; virtio_irq(vector) does the rest. */
    .macro virtio_stub vec
    .globl irq_virtio_\vec
irq_virtio_\vec:
    push $\vec
    jmp irq_virtio_common
    .endm
    virtio_stub 0x30
    virtio_stub 0x40
    virtio_stub 0x41
    virtio_stub 0x42
    virtio_stub 0x43
irq_virtio_common:
    save_caller_saved
    mov 72(%rsp), %rdi      /* the vector pushed by the stub */
    sub $8, %rsp            /* ten pushes: realign for the call */
    cld
    call virtio_irq
    add $8, %rsp
    restore_caller_saved
    add $8, %rsp
    iretq

    .globl irq_ignore_entry
irq_ignore_entry:
    iretq

    .section .rodata
    .balign 8
pvh_gdt:
    .quad 0
    .quad 0x00AF9B000000FFFF    /* 64-bit code */
    .quad 0x00CF93000000FFFF    /* data */
pvh_gdt_desc:
    .word pvh_gdt_desc - pvh_gdt - 1
    .long pvh_gdt

    .section .bss
    .balign 4096
pvh_pml4: .skip 4096
pvh_pdpt: .skip 4096
pvh_pd:   .skip 4096
pvh_pd_apic: .skip 4096
stack:    .skip 16384
stack_top:

/* The PVH note: Xen's XEN_ELFNOTE_PHYS32_ENTRY (18) naming pvh_start. Only the PVH ELF
 * variant keeps this section (see the linker scripts). */
    .section .note.pvh, "a"
    .balign 4
    .long 4
    .long 4
    .long 18
    .asciz "Xen"
    .long pvh_start
    .section .note.GNU-stack, "", @progbits
