import CBFloat16
import Foundation

/// Pack buffers of one thread of the bfloat16 GEMM, reused from call to call.
final class BFloat16Workspace: @unchecked Sendable {
    /// The float32 GEMM's blocking: kc = 256 values of k (128 words, 8 AMX tile depths), A
    /// blocks of 192 rows (96 KiB), B blocks of up to 1 MiB.
    static let kc = GEMMWorkspace.kc
    static let mc = GEMMWorkspace.mc
    static let bBlockWords = GEMMWorkspace.bBlockFloats

    let a: UnsafeMutablePointer<UInt32>
    let b: UnsafeMutablePointer<UInt32>
    let vectors: UnsafeMutablePointer<SIMD16<Float>>

    init() {
        a = GEMMWorkspace.allocate(Self.mc * Self.kc / 2, as: UInt32.self)
        b = GEMMWorkspace.allocate(Self.bBlockWords, as: UInt32.self)
        vectors = GEMMWorkspace.allocate(32, as: SIMD16<Float>.self)
    }

    deinit {
        free(a)
        free(b)
        free(vectors)
    }
}

/// C = alpha · op(A) · op(B) + beta · C with both operands rounded to bfloat16 as they are
/// packed, products and sums in float32, 32 × 32 tiles of C at a time on AMX (or AVX-512 BF16,
/// or emulated). The float32 `PackedGEMM`'s blocking and threading: threads split C, never k,
/// so results are reproducible per thread count.
enum PackedBFloat16GEMM {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pool: [BFloat16Workspace] = []
    private static let tile = BFloat16Packing.tile

    /// `units` below `BFloat16.units` runs the same sums on other units (tests compare them).
    static func multiply(
        _ a: UnsafePointer<Float>, transposeA: Bool,
        _ b: UnsafePointer<Float>, transposeB: Bool,
        into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float, threaded: Bool = true,
        packedA: UnsafePointer<UInt32>? = nil, ldb: Int? = nil, ldc: Int? = nil,
        units: BFloat16.Units = BFloat16.units
    ) {
        let av = MatrixView(a, transposed: transposeA, columns: transposeA ? m : k)
        let bv = MatrixView(b, transposed: transposeB, columns: ldb ?? (transposeB ? k : n))
        let job = Job(a: av, b: bv, c: c, ldc: ldc ?? n, m: m, k: k, alpha: alpha, beta: beta,
                      packedA: packedA, units: min(units.rawValue, BFloat16.units.rawValue))
        PackedGEMM.forEachBlock(m: m, n: n, k: k, tile: (tile, tile), threaded: threaded) { rows, cols in
            let workspace = lock.withLock { pool.popLast() } ?? BFloat16Workspace()
            block(job, rows: rows, cols: cols, workspace: workspace)
            lock.withLock { pool.append(workspace) }
        }
    }

    /// What every block of one product shares.
    private struct Job {
        let a: MatrixView, b: MatrixView
        let c: UnsafeMutablePointer<Float>, ldc: Int
        let m, k: Int
        let alpha, beta: Float
        let packedA: UnsafePointer<UInt32>?
        let units: Int32
    }

    /// C[rows, cols] on one thread, in the float32 GEMM's loop order.
    @inline(never)
    private static func block(_ job: Job, rows: Range<Int>, cols: Range<Int>, workspace w: BFloat16Workspace) {
        let kcBlock = BFloat16Workspace.kc
        let ncBlock = max(tile, BFloat16Workspace.bBlockWords / BFloat16Packing.paddedPairs(min(kcBlock, job.k)) / tile * tile)
        for jc in stride(from: cols.lowerBound, to: cols.upperBound, by: ncBlock) {
            let nc = min(ncBlock, cols.upperBound - jc)
            for pc in stride(from: 0, to: job.k, by: kcBlock) {
                let kc = min(kcBlock, job.k - pc), depth = BFloat16Packing.paddedPairs(kc)
                let beta = pc == 0 ? job.beta : 1
                func rowsOfA(_ i0: Int, _ mc: Int) -> UnsafePointer<UInt32> {
                    if let packed = job.packedA {
                        return packed + pc / 2 * BFloat16Packing.paddedRows(job.m) + i0 * depth
                    }
                    BFloat16Packing.packA(job.a, i0: i0, mc: mc, p0: pc, kc: kc, into: w.a)
                    return UnsafePointer(w.a)
                }
                func multiplyTile(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, i: Int, j: Int,
                                  rows: Int, cols: Int) {
                    cbf16_tile_32x32(job.units, depth / 16, a, depth, b, job.c + i * job.ldc + j, job.ldc,
                                     Int32(rows), Int32(cols), job.alpha, beta)
                }
                if rows.count <= BFloat16Workspace.mc {
                    // Few rows: one panel of B at a time, swept by every row tile.
                    let a = rowsOfA(rows.lowerBound, rows.count)
                    for jr in stride(from: 0, to: nc, by: tile) {
                        let width = min(tile, nc - jr)
                        BFloat16Packing.packB(job.b, p0: pc, kc: kc, j0: jc + jr, nc: width,
                                              into: w.b, scratch: w.vectors)
                        for ir in stride(from: 0, to: rows.count, by: tile) {
                            multiplyTile(a + ir * depth, w.b, i: rows.lowerBound + ir, j: jc + jr,
                                         rows: min(tile, rows.count - ir), cols: width)
                        }
                    }
                } else {
                    // Many rows: the whole kc × nc block of B once, then blocks of A.
                    BFloat16Packing.packB(job.b, p0: pc, kc: kc, j0: jc, nc: nc, into: w.b,
                                          scratch: w.vectors)
                    for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: BFloat16Workspace.mc) {
                        let mc = min(BFloat16Workspace.mc, rows.upperBound - ic)
                        let a = rowsOfA(ic, mc)
                        for ir in stride(from: 0, to: mc, by: tile) {
                            for jr in stride(from: 0, to: nc, by: tile) {
                                multiplyTile(a + ir * depth, w.b + jr * depth, i: ic + ir, j: jc + jr,
                                             rows: min(tile, mc - ir), cols: min(tile, nc - jr))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Words of all k blocks' padded pairs.
    private static func packedDepth(_ k: Int) -> Int {
        let kc = BFloat16Workspace.kc
        return k / kc * (kc / 2) + (k % kc > 0 ? BFloat16Packing.paddedPairs(k % kc) : 0)
    }

    /// Words `packLeft` writes for an m × k left operand.
    static func packedLeftCount(m: Int, k: Int) -> Int {
        BFloat16Packing.paddedRows(m) * packedDepth(k)
    }

    /// All of op(A) [m × k] packed once for many products: for each kc block of k, all of its
    /// rows (a block starting at k = pc begins pc/2 · paddedRows words in).
    static func packLeft(
        _ a: UnsafePointer<Float>, transposeA: Bool, m: Int, k: Int,
        into dst: UnsafeMutablePointer<UInt32>
    ) {
        let av = MatrixView(a, transposed: transposeA, columns: transposeA ? m : k)
        let rows = BFloat16Packing.paddedRows(m), kcBlock = BFloat16Workspace.kc
        let rowBlock = 64
        let rowBlocks = (m + rowBlock - 1) / rowBlock, depthBlocks = (k + kcBlock - 1) / kcBlock
        Engine.parallelFor(rowBlocks * depthBlocks, pieces: m * k / (1 << 16)) { range in
            for unit in range {
                let pc = unit / rowBlocks * kcBlock, i0 = unit % rowBlocks * rowBlock
                let kc = min(kcBlock, k - pc)
                BFloat16Packing.packA(av, i0: i0, mc: min(rowBlock, m - i0), p0: pc, kc: kc,
                                      into: dst + pc / 2 * rows + i0 * BFloat16Packing.paddedPairs(kc))
            }
        }
    }
}
