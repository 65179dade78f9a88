#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Allocation of the engine's large working buffers. A buffer of at least 2 MiB starts on a
/// 2 MiB boundary and, on Linux, asks for transparent huge pages (`MADV_HUGEPAGE`; many
/// systems grant them only on request): the convolutions sweep buffers of several megabytes
/// (transformed operands, products, activations), and with 4 KiB pages each sweep walked
/// more pages than the TLB holds. Smaller buffers are aligned to a cache line. Free with
/// `free()`.
enum AlignedMemory {
    static let hugePage = 1 << 21

    /// `bytes` bytes on a 64-byte boundary, or on a huge-page boundary from 2 MiB up; nil when
    /// the system has no memory for them.
    static func allocate(bytes: Int) -> UnsafeMutableRawPointer? {
        let huge = bytes >= hugePage
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, huge ? hugePage : 64, bytes) == 0, let raw else { return nil }
        #if os(Linux)
        if huge {
            // Whole huge pages only: the advice is a hint and its failure changes nothing.
            _ = madvise(raw, bytes / hugePage * hugePage, MADV_HUGEPAGE)
        }
        #endif
        return raw
    }
}
