/// The transforms of Winograd F(2×2, 2×2) (see `WinogradTiling`), each on one tile.
///
/// Transformed operands are stored per transform position: entry (ξ, η) of a tile's 3×3
/// transform goes to plane 3ξ + η, `planeStride` floats after plane 0, so that each plane is
/// one operand of one of the nine matrix products.
enum WinogradTransforms {
    typealias Vector = SIMD16<Float>

    /// Floats between consecutive planes of `size`: 64 more, so that the nine planes of one
    /// tile start in different cache sets. With plane sizes powers of two (256 tiles × 512
    /// depths) every tile's nine stores fell into one set, more than its ways, and the
    /// weights' transform took 2.8 ms for 1.2 M values.
    @inline(__always)
    static func planeStride(_ size: Int) -> Int { size + 64 }

    /// Bᵀ d B of the 3×3 windows at `window`, elements `rowStep` and `columnStep` floats
    /// apart, for `channels` consecutive channels (channels-last staging): plane p of the
    /// result at out + p·planeStride + c.
    @inline(__always)
    static func inputTile(
        _ window: UnsafePointer<Float>, rowStep: Int, columnStep: Int, channels: Int,
        into out: UnsafeMutablePointer<Float>, planeStride: Int
    ) {
        var c = 0
        while c + Vector.scalarCount <= channels {
            inputTile(Vector.self, window + c, rowStep: rowStep, columnStep: columnStep,
                      into: out + c, planeStride: planeStride)
            c += Vector.scalarCount
        }
        while c + 4 <= channels {
            inputTile(SIMD4<Float>.self, window + c, rowStep: rowStep, columnStep: columnStep,
                      into: out + c, planeStride: planeStride)
            c += 4
        }
        while c < channels {
            inputTile(Float.self, window + c, rowStep: rowStep, columnStep: columnStep,
                      into: out + c, planeStride: planeStride)
            c += 1
        }
    }

    @inline(__always)
    private static func inputTile<V: WinogradLanes>(
        _: V.Type, _ window: UnsafePointer<Float>, rowStep: Int, columnStep: Int,
        into out: UnsafeMutablePointer<Float>, planeStride: Int
    ) {
        @inline(__always) func d(_ i: Int, _ j: Int) -> V {
            UnsafeRawPointer(window + i * rowStep + j * columnStep).loadUnaligned(as: V.self)
        }
        @inline(__always) func put(_ p: Int, _ value: V) {
            UnsafeMutableRawPointer(out + p * planeStride).storeBytes(of: value, as: V.self)
        }
        // Bᵀ d along rows (a), then along columns.
        let d00 = d(0, 0), d01 = d(0, 1), d02 = d(0, 2)
        let d10 = d(1, 0), d11 = d(1, 1), d12 = d(1, 2)
        let d20 = d(2, 0), d21 = d(2, 1), d22 = d(2, 2)
        let a00 = d00 - d10, a01 = d01 - d11, a02 = d02 - d12
        let a20 = d20 - d10, a21 = d21 - d11, a22 = d22 - d12
        put(0, a00 - a01); put(1, a01); put(2, a02 - a01)
        put(3, d10 - d11); put(4, d11); put(5, d12 - d11)
        put(6, a20 - a21); put(7, a21); put(8, a22 - a21)
    }

    /// G f Gᵀ of the 2×2 taps f(a, a′): plane p of the result at out[p·planeStride].
    @inline(__always)
    static func kernelTile(
        _ f00: Float, _ f01: Float, _ f10: Float, _ f11: Float,
        into out: UnsafeMutablePointer<Float>, planeStride: Int
    ) {
        let s0 = f00 + f10, s1 = f01 + f11
        out[0] = f00; out[planeStride] = f00 + f01; out[2 * planeStride] = f01
        out[3 * planeStride] = s0; out[4 * planeStride] = s0 + s1; out[5 * planeStride] = s1
        out[6 * planeStride] = f10; out[7 * planeStride] = f10 + f11; out[8 * planeStride] = f11
    }

    /// Aᵀ m A of the 3×3 products at m[p·planeStride]: the 2×2 outputs (y00, y01, y10, y11).
    @inline(__always)
    static func outputTile(_ m: UnsafePointer<Float>, planeStride s: Int) -> (Float, Float, Float, Float) {
        let z00 = m[0] + m[3 * s], z01 = m[s] + m[4 * s], z02 = m[2 * s] + m[5 * s]
        let z10 = m[3 * s] + m[6 * s], z11 = m[4 * s] + m[7 * s], z12 = m[5 * s] + m[8 * s]
        return (z00 + z01, z01 + z02, z10 + z11, z11 + z12)
    }

    /// P[n][r][s][c] = src[n][c][r + rowOrigin][s + columnOrigin] for r < rows, s < columns,
    /// zero outside the source planes: a chunk of NCHW maps staged channels-last, so that an
    /// input tile's transform runs along channels in whole vectors. Sixteen channels × sixteen
    /// columns are transposed at a time in registers (a float at a time, every store went to
    /// another cache line).
    @inline(never)
    static func stageChannelsLast(
        _ src: UnsafePointer<Float>, images: Int, channels: Int, height: Int, width: Int,
        rows: Int, columns: Int, rowOrigin: Int, columnOrigin: Int,
        into p: UnsafeMutablePointer<Float>
    ) {
        let rowFloats = columns * channels
        let s0 = max(0, -columnOrigin), s1 = max(s0, min(columns, width - columnOrigin))
        let block = UnsafeMutablePointer<Vector>.allocate(capacity: 32)
        defer { block.deallocate() }
        let vectorChannels = channels / 16 * 16
        let r0 = max(0, -rowOrigin), r1 = max(r0, min(rows, height - rowOrigin))
        for n in 0..<images {
            let image = p + n * rows * rowFloats
            // Zeros around the source: whole rows above and below, columns left and right.
            image.update(repeating: 0, count: r0 * rowFloats)
            (image + r1 * rowFloats).update(repeating: 0, count: (rows - r1) * rowFloats)
            for r in r0..<r1 {
                let row = image + r * rowFloats
                row.update(repeating: 0, count: s0 * channels)
                (row + s1 * channels).update(repeating: 0, count: (columns - s1) * channels)
            }
            // Sixteen channels at a time, row by row: sixteen source planes read in order,
            // which the prefetchers follow (all channels per row were up to 128 streams).
            for c0 in stride(from: 0, to: vectorChannels, by: 16) {
                let planes = src + ((n * channels + c0) * height + rowOrigin) * width + columnOrigin
                for r in r0..<r1 {
                    let row = image + r * rowFloats + c0
                    for sb in stride(from: s0, to: s1, by: 16) {
                        let count = min(16, s1 - sb)
                        for q in 0..<16 {
                            let line = planes + (q * height + r) * width + sb
                            if count == 16 {
                                block[q] = UnsafeRawPointer(line).loadUnaligned(as: Vector.self)
                            } else {
                                block[q] = Vector()
                                UnsafeMutableRawPointer(block + q).copyMemory(
                                    from: line, byteCount: count * MemoryLayout<Float>.stride)
                            }
                        }
                        GEMMPacking.transpose16(block)
                        for i in 0..<count {
                            UnsafeMutableRawPointer(row + (sb + i) * channels)
                                .storeBytes(of: block[i], as: Vector.self)
                        }
                    }
                }
            }
            for c in vectorChannels..<channels {
                let plane = src + ((n * channels + c) * height + rowOrigin) * width + columnOrigin
                for r in r0..<r1 {
                    let row = image + r * rowFloats + c, line = plane + r * width
                    for s in s0..<s1 { row[s * channels] = line[s] }
                }
            }
        }
    }
}

/// What a tile transform runs on: a vector of channels, or one channel for the remainder.
protocol WinogradLanes {
    static func - (a: Self, b: Self) -> Self
}

extension SIMD16: WinogradLanes where Scalar == Float {}
extension SIMD4: WinogradLanes where Scalar == Float {}
extension Float: WinogradLanes {}

/// The output transform on eight tiles at once, and the interleavings that put its results
/// in image order: the products of consecutive tiles are contiguous in each plane, their
/// outputs two (forward) or four (input gradient, both column parities) floats apart.
enum WinogradVectorTiles {
    typealias Lanes = SIMD8<Float>

    /// Aᵀ m A for the eight tiles whose products start at m (planes `stride` apart).
    @inline(__always)
    static func outputTiles(_ m: UnsafePointer<Float>, planeStride s: Int) -> (Lanes, Lanes, Lanes, Lanes) {
        @inline(__always) func p(_ i: Int) -> Lanes {
            UnsafeRawPointer(m + i * s).loadUnaligned(as: Lanes.self)
        }
        let z00 = p(0) + p(3), z01 = p(1) + p(4), z02 = p(2) + p(5)
        let z10 = p(3) + p(6), z11 = p(4) + p(7), z12 = p(5) + p(8)
        return (z00 + z01, z01 + z02, z10 + z11, z11 + z12)
    }

    /// G g Gᵀ for eight tiles of 2×2 values, stored to out + p·stride.
    @inline(__always)
    static func kernelTiles(
        _ g00: Lanes, _ g01: Lanes, _ g10: Lanes, _ g11: Lanes,
        into out: UnsafeMutablePointer<Float>, planeStride s: Int
    ) {
        @inline(__always) func put(_ i: Int, _ v: Lanes) {
            UnsafeMutableRawPointer(out + i * s).storeBytes(of: v, as: Lanes.self)
        }
        let s0 = g00 + g10, s1 = g01 + g11
        put(0, g00); put(1, g00 + g01); put(2, g01)
        put(3, s0); put(4, s0 + s1); put(5, s1)
        put(6, g10); put(7, g10 + g11); put(8, g11)
    }

    /// a0 b0 a1 b1 … a7 b7.
    @inline(__always)
    static func interleave(_ a: Lanes, _ b: Lanes) -> SIMD16<Float> {
        SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3],
               a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }

    /// a0 b0 c0 d0 a1 b1 c1 d1 … (as two halves of 16).
    @inline(__always)
    static func interleave(_ a: Lanes, _ b: Lanes, _ c: Lanes, _ d: Lanes) -> (SIMD16<Float>, SIMD16<Float>) {
        let ac = interleave(a, c), bd = interleave(b, d)
        return (SIMD16(ac[0], bd[0], ac[1], bd[1], ac[2], bd[2], ac[3], bd[3],
                       ac[4], bd[4], ac[5], bd[5], ac[6], bd[6], ac[7], bd[7]),
                SIMD16(ac[8], bd[8], ac[9], bd[9], ac[10], bd[10], ac[11], bd[11],
                       ac[12], bd[12], ac[13], bd[13], ac[14], bd[14], ac[15], bd[15]))
    }

    /// Stores 32 floats as `32 / length` runs of `length` (4, 8, 16 or 32) floats, run k at
    /// dst + k·rowStep: eight tiles that span several tile rows.
    @inline(__always)
    static func store(_ v: (SIMD16<Float>, SIMD16<Float>), runs length: Int, rowStep: Int,
                      into dst: UnsafeMutablePointer<Float>) {
        withUnsafeBytes(of: v) { raw in
            let src = raw.bindMemory(to: Float.self).baseAddress!
            for k in 0..<(32 / length) {
                (dst + k * rowStep).update(from: src + k * length, count: length)
            }
        }
    }

    /// The same for 16 floats.
    @inline(__always)
    static func store(_ v: SIMD16<Float>, runs length: Int, rowStep: Int,
                      into dst: UnsafeMutablePointer<Float>) {
        if length == 16 {
            return UnsafeMutableRawPointer(dst).storeBytes(of: v, as: SIMD16<Float>.self)
        }
        withUnsafeBytes(of: v) { raw in
            let src = raw.bindMemory(to: Float.self).baseAddress!
            for k in 0..<(16 / length) {
                (dst + k * rowStep).update(from: src + k * length, count: length)
            }
        }
    }

    /// Whether an image's tiles, `columns` per tile row, go in groups of eight along rows: a
    /// group lies within one row, or covers whole rows.
    @inline(__always)
    static func groups(columns: Int, perImage: Int) -> Bool {
        perImage % 8 == 0 && (columns % 8 == 0 || 8 % columns == 0)
    }
}
