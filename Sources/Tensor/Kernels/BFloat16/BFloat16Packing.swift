import CBFloat16

/// Packs blocks of op(A) and op(B) into the bfloat16 tile kernel's order. Every value of k
/// pairs with its neighbour in one word (even k low, odd k high); pairs are padded with zero
/// words to a multiple of 16 (one AMX tile's depth), rows of A and columns of B to whole
/// 32 × 32 tiles.
///
/// A: rows of words along k, row after row (an AMX A tile is 16 such rows). B: panels of 32
/// columns, per pair of k one word per column (an AMX B tile is 16 pairs of 16 of them).
enum BFloat16Packing {
    typealias Vector = SIMD16<Float>
    /// Rows and columns of one tile.
    static let tile = 32

    /// Pairs of k in kc values of k.
    @inline(__always)
    static func pairs(_ kc: Int) -> Int { (kc + 1) / 2 }

    /// Words per packed row of A or column group of B: the pairs padded to 16.
    @inline(__always)
    static func paddedPairs(_ kc: Int) -> Int { (pairs(kc) + 15) / 16 * 16 }

    /// Rows rounded up to whole tiles.
    @inline(__always)
    static func paddedRows(_ m: Int) -> Int { (m + tile - 1) / tile * tile }

    /// Rows i0..<i0+mc, k p0..<p0+kc of A into paddedRows(mc) rows of paddedPairs(kc) words.
    static func packA(
        _ a: MatrixView, i0: Int, mc: Int, p0: Int, kc: Int, into dst: UnsafeMutablePointer<UInt32>
    ) {
        let pairs = pairs(kc), width = paddedPairs(kc)
        dst.update(repeating: 0, count: paddedRows(mc) * width)
        if a.colStride == 1 {
            // Rows run along k: 32 floats become 16 words.
            let blocked = kc / 32 * 16
            for r in 0..<mc {
                let line = a.base + (i0 + r) * a.rowStride + p0
                let out = dst + r * width
                if BFloat16.convertsInHardware {
                    cbf16_pairs_along(line, out, blocked)
                } else {
                    for q in stride(from: 0, to: blocked, by: 16) {
                        UnsafeMutableRawPointer(out + q).storeBytes(of: lineWords(line + 2 * q), as: SIMD16<UInt32>.self)
                    }
                }
                for q in blocked..<pairs {
                    out[q] = BFloat16.pair(line[2 * q], 2 * q + 1 < kc ? line[2 * q + 1] : 0)
                }
            }
        } else {
            // Aᵀ stored (a layer's weights read transposed, packed once per step).
            for q in 0..<pairs {
                let even = a.base + (p0 + 2 * q) * a.colStride + i0
                let hasOdd = 2 * q + 1 < kc
                for r in 0..<mc {
                    dst[r * width + q] = BFloat16.pair(even[r], hasOdd ? even[a.colStride + r] : 0)
                }
            }
        }
    }

    /// k p0..<p0+kc, columns j0..<j0+nc of B into ⌈nc/32⌉ panels of paddedPairs(kc) × 32 words.
    static func packB(
        _ b: MatrixView, p0: Int, kc: Int, j0: Int, nc: Int, into dst: UnsafeMutablePointer<UInt32>,
        scratch: UnsafeMutablePointer<Vector>
    ) {
        let nr = tile, pairs = pairs(kc), height = paddedPairs(kc)
        var panel = dst
        for jb in stride(from: 0, to: nc, by: nr) {
            let cols = min(nr, nc - jb)
            if cols < nr { panel.update(repeating: 0, count: nr * pairs) }
            (panel + pairs * nr).update(repeating: 0, count: (height - pairs) * nr)
            if b.colStride == 1 && cols == nr && BFloat16.convertsInHardware {
                // B not transposed, a whole panel: two rows of k rounded per instruction.
                cbf16_pairs_across(b.base + p0 * b.rowStride + j0 + jb, b.rowStride, kc, nr, panel)
            } else if b.colStride == 1 {
                // B not transposed: each k is a contiguous run of the panel's columns.
                for q in 0..<pairs {
                    let even = b.base + (p0 + 2 * q) * b.rowStride + j0 + jb
                    let hasOdd = 2 * q + 1 < kc
                    let out = panel + q * nr
                    if cols == nr {
                        for h in stride(from: 0, to: nr, by: 16) {
                            let o = hasOdd ? load(even + b.rowStride + h) : Vector()
                            UnsafeMutableRawPointer(out + h).storeBytes(
                                of: BFloat16.pair(load(even + h), o), as: SIMD16<UInt32>.self)
                        }
                    } else {
                        for j in 0..<cols {
                            out[j] = BFloat16.pair(even[j], hasOdd ? even[b.rowStride + j] : 0)
                        }
                    }
                }
            } else {
                // Bᵀ stored: columns run along k; 16 columns × 16 pairs are transposed at once.
                let first = b.base + (j0 + jb) * b.colStride + p0
                let blocked = kc / 32 * 16
                for half in stride(from: 0, to: cols, by: 16) {
                    for q0 in stride(from: 0, to: blocked, by: 16) {
                        for j in 0..<16 {
                            let line = first + (half + j) * b.colStride + 2 * q0
                            if half + j >= cols {
                                scratch[j] = Vector()
                            } else if BFloat16.convertsInHardware {
                                UnsafeMutableRawPointer(scratch + j).withMemoryRebound(to: UInt32.self, capacity: 16) {
                                    cbf16_pairs_along(line, $0, 16)
                                }
                            } else {
                                scratch[j] = unsafeBitCast(lineWords(line), to: Vector.self)
                            }
                        }
                        GEMMPacking.transpose16(scratch)
                        for q in 0..<16 {
                            UnsafeMutableRawPointer(panel + (q0 + q) * nr + half)
                                .storeBytes(of: scratch[q], as: Vector.self)
                        }
                    }
                }
                for j in 0..<cols {
                    let line = first + j * b.colStride
                    for q in blocked..<pairs {
                        panel[q * nr + j] = BFloat16.pair(line[2 * q], 2 * q + 1 < kc ? line[2 * q + 1] : 0)
                    }
                }
            }
            panel += nr * height
        }
    }

    @inline(__always)
    private static func lineWords(_ p: UnsafePointer<Float>) -> SIMD16<UInt32> { BFloat16.pairs(p) }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }
}
