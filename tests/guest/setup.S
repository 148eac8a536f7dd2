/* The real-mode part of a minimal bzImage: SETUP_SECTS + 1 sectors with the setup header at
 * 0x1F1 (Linux x86 boot protocol, Documentation/arch/x86/boot.rst). There is no real-mode
 * code: loaders that use the 64-bit entry never run it. */
#define SETUP_SECTS 1
    .section .setup, "a"
    .code16
    .org 0x1F1
setup_sects:    .byte SETUP_SECTS
root_flags:     .word 0
syssize:        .long __payload_paras
ram_size:       .word 0
vid_mode:       .word 0xFFFF
root_dev:       .word 0
boot_flag:      .word 0xAA55
    .org 0x200
jump:           .byte 0xEB, header_end - 0x202   /* jmp past the header */
header:         .ascii "HdrS"
version:        .word 0x020F
realmode_swtch: .long 0
start_sys_seg:  .word 0x1000
kernel_version: .word 0
type_of_loader: .byte 0
loadflags:      .byte 0x01          /* LOADED_HIGH */
setup_move_size: .word 0x8000
code32_start:   .long 0x100000
ramdisk_image:  .long 0
ramdisk_size:   .long 0
bootsect_kludge: .long 0
heap_end_ptr:   .word 0
ext_loader_ver: .byte 0
ext_loader_type: .byte 0
cmd_line_ptr:   .long 0
initrd_addr_max: .long 0x7FFFFFFF
kernel_alignment: .long 0x200000
relocatable_kernel: .byte 0         /* linked at 1 MiB */
min_alignment:  .byte 21
xloadflags:     .word 0x0001        /* XLF_KERNEL_64 */
cmdline_size:   .long 2047
hardware_subarch: .long 0
hardware_subarch_data: .quad 0
payload_offset: .long 0
payload_length: .long 0
setup_data:     .quad 0
pref_address:   .quad 0x100000
init_size:      .long __init_size
handover_offset: .long 0
kernel_info_offset: .long 0
header_end:
    .org (SETUP_SECTS + 1) * 512
    .section .note.GNU-stack, "", @progbits
