/// Layout helpers of the Winograd kernels. Transformed operands are stored per transform
/// position: entry (ξ, η) of a tile's transform goes to plane α·ξ + η, `planeStride` floats
/// after plane 0, so that each plane is the operand of one matrix product.
enum WinogradTransforms {
    typealias Vector = SIMD16<Float>

    /// Floats between consecutive planes of `size`: 64 more, so that the planes of one
    /// tile start in different cache sets. With plane sizes powers of two (256 tiles × 512
    /// depths) every tile's nine stores fell into one set, more than its ways, and the
    /// weights' transform took 2.8 ms for 1.2 M values.
    @inline(__always)
    static func planeStride(_ size: Int) -> Int { size + 64 }

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


/// Eight tiles at a time: the products of consecutive tiles are contiguous in each plane, so
/// a transform on 8-lane vectors does eight tiles, and interleaving its results puts them in
/// image order.
enum WinogradLanes8 {
    typealias Lanes = SIMD8<Float>

    /// Whether an image's tiles, `columns` per tile row, go in groups of eight along rows: a
    /// group lies within one row, or covers whole rows.
    @inline(__always)
    static func groups(columns: Int, perImage: Int) -> Bool {
        perImage % 8 == 0 && (columns % 8 == 0 || 8 % columns == 0)
    }

    /// Lanes i of a and b side by side: the first and second 8 of a0 b0 a1 b1 … a7 b7.
    @inline(__always)
    static func zip(_ a: Lanes, _ b: Lanes) -> (Lanes, Lanes) {
        (Lanes(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]),
         Lanes(a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7]))
    }

    /// v[0..<k] (k = 2, 4 or 8 vectors) interleaved lane by lane into out: v0[0] v1[0] …
    /// v(k−1)[0] v0[1] …, by log2 k rounds of pairwise zips.
    @inline(__always)
    static func interleave(_ v: UnsafeMutablePointer<Lanes>, count k: Int, into out: UnsafeMutablePointer<Lanes>) {
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: k) { work in
            var src = UnsafeMutablePointer(v), dst = work.baseAddress!
            // Round r: sequences of `length` vectors; sequence s pairs with s + half.
            var length = 1
            while length < k {
                let half = k / (2 * length)
                for s in 0..<half {
                    for i in 0..<length {
                        let (lo, hi) = zip(src[s * length + i], src[(s + half) * length + i])
                        dst[2 * s * length + 2 * i] = lo
                        dst[2 * s * length + 2 * i + 1] = hi
                    }
                }
                length *= 2
                swap(&src, &dst)
            }
            for i in 0..<k { out[i] = src[i] }
        }
    }

    /// Copies 8·k floats as runs of `run` floats, run r to dst + r·rowStep.
    @inline(__always)
    static func store(_ values: UnsafePointer<Float>, count: Int, run: Int, rowStep: Int,
                      into dst: UnsafeMutablePointer<Float>) {
        var r = 0
        while r * run < count {
            (dst + r * rowStep).update(from: values + r * run, count: run)
            r += 1
        }
    }

    /// Loads 8·k floats from runs of `run` floats, run r from src + r·rowStep.
    @inline(__always)
    static func load(_ src: UnsafePointer<Float>, count: Int, run: Int, rowStep: Int,
                     into values: UnsafeMutablePointer<Float>) {
        var r = 0
        while r * run < count {
            (values + r * run).update(from: src + r * rowStep, count: run)
            r += 1
        }
    }
}
