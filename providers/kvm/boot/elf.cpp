#include "providers/kvm/boot/elf.h"

#include <elf.h>

#include <cstring>

namespace env::kvm {

namespace {
constexpr uint32_t kXenElfnotePhys32Entry = 18;

template <typename T>
bool read_at(std::span<const uint8_t> f, uint64_t off, T& out) {
    if (off > f.size() || sizeof(T) > f.size() - off) return false;
    std::memcpy(&out, f.data() + off, sizeof(T));
    return true;
}

size_t align4(size_t n) {
    return (n + 3) & ~size_t(3);
}
}  // namespace

bool is_elf(std::span<const uint8_t> f) {
    return f.size() >= 4 && std::memcmp(f.data(), ELFMAG, SELFMAG) == 0;
}

Result<ElfKernel> parse_elf(std::span<const uint8_t> f) {
    Elf64_Ehdr eh;
    if (!is_elf(f) || !read_at(f, 0, eh)) return fail(ErrorKind::Invalid, "not an ELF file");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_machine != EM_X86_64)
        return fail(ErrorKind::Invalid, "ELF kernel is not x86-64");
    if (eh.e_type != ET_EXEC) return fail(ErrorKind::Invalid, "ELF kernel is not an executable");
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 64)
        return fail(ErrorKind::Invalid, "ELF kernel has bad program headers");
    ElfKernel k;
    k.entry = eh.e_entry;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        if (!read_at(f, eh.e_phoff + uint64_t(i) * sizeof ph, ph))
            return fail(ErrorKind::Invalid, "ELF program header outside the file");
        if (ph.p_type == PT_LOAD) {
            if (ph.p_filesz > ph.p_memsz || ph.p_offset > f.size() ||
                ph.p_filesz > f.size() - ph.p_offset || ph.p_paddr + ph.p_memsz < ph.p_paddr)
                return fail(ErrorKind::Invalid, "ELF segment outside the file");
            k.segments.push_back({ph.p_paddr, ph.p_memsz, f.subspan(ph.p_offset, ph.p_filesz)});
            if (ph.p_paddr + ph.p_memsz > k.end) k.end = ph.p_paddr + ph.p_memsz;
        } else if (ph.p_type == PT_NOTE) {
            if (ph.p_offset > f.size() || ph.p_filesz > f.size() - ph.p_offset)
                return fail(ErrorKind::Invalid, "ELF note outside the file");
            auto notes = f.subspan(ph.p_offset, ph.p_filesz);
            size_t off = 0;
            while (off + sizeof(Elf64_Nhdr) <= notes.size()) {
                Elf64_Nhdr nh;
                std::memcpy(&nh, notes.data() + off, sizeof nh);
                size_t name_off = off + sizeof nh;
                size_t desc_off = name_off + align4(nh.n_namesz);
                size_t next = desc_off + align4(nh.n_descsz);
                if (next > notes.size() || next <= off) break;
                if (nh.n_namesz == 4 && std::memcmp(notes.data() + name_off, "Xen", 4) == 0 &&
                    nh.n_type == kXenElfnotePhys32Entry && nh.n_descsz >= 4) {
                    uint32_t entry;
                    std::memcpy(&entry, notes.data() + desc_off, 4);
                    k.pvh_entry = entry;
                }
                off = next;
            }
        }
    }
    if (k.segments.empty()) return fail(ErrorKind::Invalid, "ELF kernel has no loadable segment");
    return k;
}

}  // namespace env::kvm
