/// Layout helpers of the Winograd kernels. Transformed operands are stored per transform
/// position: entry (ξ, η) of a tile's transform goes to plane α·ξ + η, `planeStride` floats
/// after plane 0, so that each plane is the operand of one matrix product.
enum WinogradTransforms {
    typealias Vector = SIMD16<Float>

    /// The first `count` (< 16) floats at p, zero-padded, into the vector at dst: 8-, 4- and
    /// single-float moves. (A float loop was turned into calls of memcpy and memset for every
    /// 7- or 14-float row, 3–4% of the 28×28 step.)
    @inline(__always)
    static func shortRow(_ p: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<Vector>) {
        dst.pointee = Vector()
        let raw = UnsafeMutableRawPointer(dst), lane = raw.assumingMemoryBound(to: Float.self)
        var i = 0
        if count >= 8 {
            raw.storeBytes(of: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            i = 8
        }
        if count - i >= 4 {
            raw.storeBytes(of: UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Float>.self),
                           toByteOffset: 4 * i, as: SIMD4<Float>.self)
            i += 4
        }
        if i < count { lane[i] = p[i] }
        if i + 1 < count { lane[i + 1] = p[i + 1] }
        if i + 2 < count { lane[i + 2] = p[i + 2] }
    }

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
        // A short row is read as a whole vector where those 16 floats lie inside the source:
        // its lanes past the row become the block's columns past `count`, which are not
        // stored. (Assembled from 8-, 4- and 1-float moves, it was then loaded as one vector,
        // a load that cannot be forwarded from the smaller stores.)
        let end = src + images * channels * height * width
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
                            if count == 16 || line + 16 <= end {
                                block[q] = UnsafeRawPointer(line).loadUnaligned(as: Vector.self)
                            } else {
                                shortRow(line, count: count, into: block + q)
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

    /// body(images) over `count` images, split over the threads when `wide` into parts whose
    /// tiles make whole groups of eight (two images of 4 tiles, not one each with half-empty
    /// vectors), else at once.
    @inline(__always)
    static func forEachPart(images count: Int, perImage: Int, wide: Bool, _ body: (Range<Int>) -> Void) {
        guard wide else { return body(0..<count) }
        var unit = 1
        while unit * perImage % 8 != 0 && unit < 8 { unit += 1 }
        let units = (count + unit - 1) / unit
        Engine.parallelFor(units, pieces: units) { r in
            body((r.lowerBound * unit)..<min(count, r.upperBound * unit))
        }
    }

    /// body(channel, first tile) for every group of eight tiles of `range` and every channel:
    /// image by image when an image's tiles make whole groups (each image's planes then
    /// written, and its products read, in one sweep), else channel by channel across images.
    @inline(__always)
    static func forEachGroup(_ range: Range<Int>, perImage: Int, channels: Int, _ body: (Int, Int) -> Void) {
        if perImage % 8 == 0 {
            for image in Swift.stride(from: range.lowerBound, to: range.upperBound, by: perImage) {
                for c in 0..<channels {
                    for first in Swift.stride(from: image, to: image + perImage, by: 8) { body(c, first) }
                }
            }
        } else {
            for c in 0..<channels {
                for first in Swift.stride(from: range.lowerBound, to: range.upperBound, by: 8) { body(c, first) }
            }
        }
    }

    /// v[0..<k] (k = 2, 4 or 8 vectors) interleaved lane by lane into out: v0[0] v1[0] …
    /// v(k−1)[0] v0[1] …. Written as vectors built from the lanes of vectors, which the
    /// compiler turns into register shuffles (a loop of pairwise zips through memory was
    /// element by element and took a quarter of an input gradient).
    @inline(__always)
    static func interleave(_ v: UnsafeMutablePointer<Lanes>, count k: Int, into out: UnsafeMutablePointer<Lanes>) {
        typealias Wide = SIMD16<Float>
        let raw = UnsafeMutableRawPointer(out)
        switch k {
        case 2:
            let a = v[0], b = v[1]
            raw.storeBytes(of: Wide(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3],
                                    a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7]), as: Wide.self)
        case 4:
            let a = v[0], b = v[1], c = v[2], d = v[3]
            raw.storeBytes(of: Wide(a[0], b[0], c[0], d[0], a[1], b[1], c[1], d[1],
                                    a[2], b[2], c[2], d[2], a[3], b[3], c[3], d[3]), as: Wide.self)
            raw.storeBytes(of: Wide(a[4], b[4], c[4], d[4], a[5], b[5], c[5], d[5],
                                    a[6], b[6], c[6], d[6], a[7], b[7], c[7], d[7]), toByteOffset: 64, as: Wide.self)
        default:
            precondition(k == 8, "interleave: \(k) vectors")
            let a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7]
            for q in 0..<4 {
                let i = 2 * q, j = 2 * q + 1
                raw.storeBytes(of: Wide(a[i], b[i], c[i], d[i], e[i], f[i], g[i], h[i],
                                        a[j], b[j], c[j], d[j], e[j], f[j], g[j], h[j]),
                               toByteOffset: 64 * q, as: Wide.self)
            }
        }
    }

    /// Copies 8·k floats (k = 2, 4 or 8) as runs of `run` floats (4 to 64, a power of two),
    /// run r to dst + r·rowStep: a group of eight tiles spanning 8·k / run rows.
    @inline(__always)
    static func storeRuns(_ values: UnsafePointer<Float>, count: Int, run: Int, rowStep: Int,
                          into dst: UnsafeMutablePointer<Float>) {
        var r = 0
        while r * run < count {
            let src = values + r * run, out = dst + r * rowStep
            if run >= 16 {
                for i in Swift.stride(from: 0, to: run, by: 16) {
                    UnsafeMutableRawPointer(out + i).storeBytes(
                        of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                }
            } else if run == 8 {
                UnsafeMutableRawPointer(out).storeBytes(
                    of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            } else {
                for i in 0..<run { out[i] = src[i] }
            }
            r += 1
        }
    }

    /// Copies `count` floats from src to dst in moves of 16, 8, 4, 2 and 1 floats.
    @inline(__always)
    static func copySpan(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<Float>) {
        var i = 0
        while count - i >= 16 {
            UnsafeMutableRawPointer(dst + i).storeBytes(
                of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
            i += 16
        }
        if count - i >= 8 {
            UnsafeMutableRawPointer(dst + i).storeBytes(
                of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            i += 8
        }
        copy(src + i, count: count - i, full: 8, into: dst + i)
    }

    /// Copies `count` floats (at most `full`: 2, 4 or 8) from src to dst, as one vector when
    /// all `full` are wanted.
    @inline(__always)
    static func copy(_ src: UnsafePointer<Float>, count: Int, full: Int, into dst: UnsafeMutablePointer<Float>) {
        if count == full {
            switch full {
            case 8: return UnsafeMutableRawPointer(dst).storeBytes(
                of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            case 4: return UnsafeMutableRawPointer(dst).storeBytes(
                of: UnsafeRawPointer(src).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
            case 2: return UnsafeMutableRawPointer(dst).storeBytes(
                of: UnsafeRawPointer(src).loadUnaligned(as: SIMD2<Float>.self), as: SIMD2<Float>.self)
            default: break
            }
        }
        // A partial run (a tile clipped at a plane's edge) in moves of 4, 2 and 1 floats.
        var i = 0
        if count - i >= 4 {
            UnsafeMutableRawPointer(dst).storeBytes(
                of: UnsafeRawPointer(src).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
            i = 4
        }
        if count - i >= 2 {
            UnsafeMutableRawPointer(dst + i).storeBytes(
                of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD2<Float>.self), as: SIMD2<Float>.self)
            i += 2
        }
        while i < count { dst[i] = src[i]; i += 1 }
    }
}
