import Foundation

/// Convolution kernels by im2col + GEMM, a few images at a time.
///
/// Each thread takes a contiguous share of the batch and walks it in chunks small enough that
/// a chunk's unfolded input (`cols`, [inChannels·kH·kW, images·outH·outW]) stays in the core's
/// L2 cache between the unfold, the GEMM and the fold. Unfolding the whole batch at once made
/// `cols` 32 MiB for a 32→64-channel layer at 32×32: it went to memory and back three times
/// per product, and im2col, col2im and the layout permutations took a third of a training step.
/// For one image, a GEMM result [outChannels, outH·outW] is already that image's NCHW slice.
///
/// Every output element is computed by one thread in an order that depends only on the
/// geometry and the thread count, so results are reproducible per thread count; forward and
/// input gradient do not depend on the thread count at all.
public enum ConvolutionKernels {
    /// y = conv(x, w).
    public static func forward(
        _ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>
    ) {
        let w = GEMMLeftOperand(weight, transposeA: false, m: g.outChannels, k: g.patchSize)
        forEachChunk(g) { images, c, scratch in
            let width = c.columns
            let cols = scratch.floats(0, count: c.patchSize * width)
            im2col(c, x: x + images.lowerBound * g.inChannels * g.inHeight * g.inWidth, cols: cols)
            let yChunk = y + images.lowerBound * g.outChannels * g.outPlane
            if c.batch == 1 {
                GEMM.multiply(w, cols, transposeB: false, into: yChunk, n: width, threaded: false)
            } else {
                let product = scratch.floats(1, count: g.outChannels * width)
                GEMM.multiply(w, cols, transposeB: false, into: product, n: width, threaded: false)
                channelMajorToBatchMajor(product, yChunk, batch: c.batch, channels: g.outChannels,
                                         plane: g.outPlane)
            }
        }
    }

    /// dx = conv_input_grad(dy, w): also a transposed convolution's forward pass.
    public static func inputGradient(
        _ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>
    ) {
        let wT = GEMMLeftOperand(weight, transposeA: true, m: g.patchSize, k: g.outChannels)
        forEachChunk(g) { images, c, scratch in
            let width = c.columns
            let dyChunk = channelMajor(dy, images: images, g, scratch: scratch)
            let cols = scratch.floats(0, count: c.patchSize * width)
            GEMM.multiply(wT, dyChunk, transposeB: false, into: cols, n: width, threaded: false)
            col2im(c, cols: cols, x: dx + images.lowerBound * g.inChannels * g.inHeight * g.inWidth)
        }
    }

    /// dw = conv_weight_grad(x, dy) = Σ over images of dy·colsᵀ.
    ///
    /// Each thread sums its share of the batch into its own partial; the partials are then
    /// added in thread order.
    public static func weightGradient(
        _ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>
    ) {
        let size = g.outChannels * g.patchSize
        let parts = shares(g)
        let partials = parts > 1 ? Tensor(uninitialized: [parts - 1, size]) : nil
        forEachChunk(g) { images, c, scratch in
            let part = parts == 1 ? 0 : share(of: images.lowerBound, batch: g.batch, parts: parts)
            let target = part == 0 ? dw : partials!.data + (part - 1) * size
            let first = images.lowerBound == g.batch * part / parts
            let width = c.columns
            let dyChunk = channelMajor(dy, images: images, g, scratch: scratch)
            let cols = scratch.floats(0, count: c.patchSize * width)
            im2col(c, x: x + images.lowerBound * g.inChannels * g.inHeight * g.inWidth, cols: cols)
            GEMM.multiply(dyChunk, transposeA: false, cols, transposeB: true, into: target,
                          m: g.outChannels, n: g.patchSize, k: width, beta: first ? 0 : 1,
                          threaded: false)
        }
        guard let partials else { return }
        for part in 0..<(parts - 1) {
            let src = partials.data + part * size
            for i in 0..<size { dw[i] += src[i] }
        }
    }

    // MARK: - Chunks

    /// Threads' shares of the batch: contiguous image ranges, by index only.
    static func shares(_ g: ConvGeometry) -> Int { min(Engine.threads, g.batch) }

    /// Which share image `n` belongs to.
    private static func share(of n: Int, batch: Int, parts: Int) -> Int {
        var part = n * parts / batch
        while batch * (part + 1) / parts <= n { part += 1 }
        while batch * part / parts > n { part -= 1 }
        return part
    }

    /// Images per chunk: enough output positions for whole GEMM tiles (≥ 256 columns), few
    /// enough that the unfolded chunk stays within ~1 MiB.
    static func chunkImages(_ g: ConvGeometry) -> Int {
        let forTiles = (256 + g.outPlane - 1) / max(g.outPlane, 1)
        let forCache = max(1, (1 << 18) / max(g.patchSize * g.outPlane, 1))
        return max(1, min(g.batch, forTiles, forCache))
    }

    /// Calls `body(images, geometry of those images, scratch)` for every chunk of the batch,
    /// each thread walking its own share in order.
    private static func forEachChunk(
        _ g: ConvGeometry, _ body: (Range<Int>, ConvGeometry, ConvolutionScratch) -> Void
    ) {
        let parts = shares(g), perChunk = chunkImages(g)
        Engine.parallelFor(parts) { range in
            let scratch = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(scratch) }
            for part in range {
                let lo = g.batch * part / parts, hi = g.batch * (part + 1) / parts
                for first in stride(from: lo, to: hi, by: perChunk) {
                    var c = g
                    c.batch = min(perChunk, hi - first)
                    body(first..<(first + c.batch), c, scratch)
                }
            }
        }
    }

    /// dy of `images` as [outChannels, images·outPlane]: for one image that is its NCHW slice
    /// as it is, for several a permuted copy in scratch.
    private static func channelMajor(
        _ dy: UnsafePointer<Float>, images: Range<Int>, _ g: ConvGeometry,
        scratch: ConvolutionScratch
    ) -> UnsafePointer<Float> {
        let slice = dy + images.lowerBound * g.outChannels * g.outPlane
        guard images.count > 1 else { return slice }
        let copy = scratch.floats(2, count: g.outChannels * images.count * g.outPlane)
        batchMajorToChannelMajor(slice, copy, batch: images.count, channels: g.outChannels,
                                 plane: g.outPlane)
        return UnsafePointer(copy)
    }

    // MARK: - Serial kernels on one chunk

    /// Unfolds every receptive field of x into a column of `cols` (zeros for padding).
    ///
    /// Each input row is copied once into a zero-bordered buffer, from which every kernel tap's
    /// output row is a plain (stride 1) or vectorised even-lane (stride 2) copy: no bounds test
    /// per value. A row's taps write neighbouring rows of `cols`.
    static func im2col(_ g: ConvGeometry, x: UnsafePointer<Float>, cols: UnsafeMutablePointer<Float>) {
        let plane = g.inHeight * g.inWidth
        let padded = RowBuffer(g)
        defer { padded.release() }
        for c in 0..<g.inChannels {
            for i in 0..<g.kernelHeight {
                let tapRows = cols + (c * g.kernelHeight + i) * g.kernelWidth * g.columns
                for n in 0..<g.batch {
                    let src = x + (n * g.inChannels + c) * plane
                    for oh in 0..<g.outHeight {
                        let ih = oh * g.strideHeight - g.padHeight + i
                        let offset = n * g.outPlane + oh * g.outWidth
                        guard ih >= 0 && ih < g.inHeight else {
                            for j in 0..<g.kernelWidth {
                                (tapRows + j * g.columns + offset).update(repeating: 0, count: g.outWidth)
                            }
                            continue
                        }
                        padded.interior.update(from: src + ih * g.inWidth, count: g.inWidth)
                        for j in 0..<g.kernelWidth {
                            gather(padded.start + j, stride: g.strideWidth, count: g.outWidth,
                                   into: tapRows + j * g.columns + offset)
                        }
                    }
                }
            }
        }
    }

    /// dst[t] = src[t·stride] for t in 0..<count; may read up to 32 floats past the last value.
    @inline(__always)
    private static func gather(
        _ src: UnsafePointer<Float>, stride: Int, count: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        switch stride {
        case 1:
            dst.update(from: src, count: count)
        case 2:
            var t = 0
            while t + 16 <= count {
                let pair = UnsafeRawPointer(src + 2 * t).loadUnaligned(as: SIMD32<Float>.self)
                UnsafeMutableRawPointer(dst + t).storeBytes(of: pair.evenHalf, as: SIMD16<Float>.self)
                t += 16
            }
            if t + 8 <= count {
                let pair = UnsafeRawPointer(src + 2 * t).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(dst + t).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
                t += 8
            }
            if t + 4 <= count {
                let pair = UnsafeRawPointer(src + 2 * t).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(dst + t).storeBytes(of: pair.evenHalf, as: SIMD4<Float>.self)
                t += 4
            }
            while t < count {
                dst[t] = src[2 * t]
                t += 1
            }
        default:
            for t in 0..<count { dst[t] = src[t * stride] }
        }
    }

    /// Folds columns back, summing every contribution into x (which it overwrites).
    ///
    /// Per input row and kernel row, the taps are first summed in a zero-bordered buffer (for
    /// stride 2, one per parity of the padded column, so each tap is a contiguous vector add),
    /// which is then added to the row of x. Each element's sums run in a fixed order.
    static func col2im(_ g: ConvGeometry, cols: UnsafePointer<Float>, x: UnsafeMutablePointer<Float>) {
        let plane = g.inHeight * g.inWidth
        x.update(repeating: 0, count: g.batch * g.inChannels * plane)
        let sums = RowBuffer(g)
        defer { sums.release() }
        let s = g.strideWidth
        for c in 0..<g.inChannels {
            for i in 0..<g.kernelHeight {
                let tapRows = cols + (c * g.kernelHeight + i) * g.kernelWidth * g.columns
                for n in 0..<g.batch {
                    let dst = x + (n * g.inChannels + c) * plane
                    for oh in 0..<g.outHeight {
                        let ih = oh * g.strideHeight - g.padHeight + i
                        guard ih >= 0 && ih < g.inHeight else { continue }
                        let offset = n * g.outPlane + oh * g.outWidth
                        sums.clear(stride: s)
                        for j in 0..<g.kernelWidth {
                            let src = tapRows + j * g.columns + offset
                            if s == 2 {
                                let acc = (j & 1 == 0 ? sums.even : sums.odd) + j / 2
                                for t in 0..<g.outWidth { acc[t] += src[t] }
                            } else {
                                let acc = sums.start + j
                                for t in 0..<g.outWidth { acc[t * s] += src[t] }
                            }
                        }
                        if s == 2 { sums.interleave() }
                        let row = dst + ih * g.inWidth
                        let interior = sums.interior
                        for w in 0..<g.inWidth { row[w] += interior[w] }
                    }
                }
            }
        }
    }

    /// [channels, batch, plane] -> [batch, channels, plane].
    static func channelMajorToBatchMajor(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int
    ) {
        for c in 0..<channels {
            for n in 0..<batch {
                (dst + (n * channels + c) * plane).update(from: src + (c * batch + n) * plane, count: plane)
            }
        }
    }

    /// [batch, channels, plane] -> [channels, batch, plane].
    static func batchMajorToChannelMajor(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int
    ) {
        for c in 0..<channels {
            for n in 0..<batch {
                (dst + (c * batch + n) * plane).update(from: src + (n * channels + c) * plane, count: plane)
            }
        }
    }
}

/// One thread's buffers for convolution chunks, kept between calls so a training step does not
/// allocate or page-fault them afresh.
final class ConvolutionScratch: @unchecked Sendable {
    private var buffers: [(pointer: UnsafeMutablePointer<Float>?, count: Int)] = []

    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [ConvolutionScratch] = []

    static func take() -> ConvolutionScratch {
        lock.withLock { idle.popLast() } ?? ConvolutionScratch()
    }

    static func give(_ scratch: ConvolutionScratch) {
        lock.withLock { idle.append(scratch) }
    }

    /// Buffer `slot` with room for at least `count` floats (contents undefined).
    func floats(_ slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        while buffers.count <= slot { buffers.append((nil, 0)) }
        if let pointer = buffers[slot].pointer, buffers[slot].count >= count { return pointer }
        do {
            free(buffers[slot].pointer)
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, count * MemoryLayout<Float>.stride) == 0, let raw else {
                fatalError("convolution: out of memory for a \(count)-float scratch buffer")
            }
            let pointer = raw.bindMemory(to: Float.self, capacity: count)
            buffers[slot] = (pointer, count)
            return pointer
        }
    }

    deinit {
        for buffer in buffers { free(buffer.pointer) }
    }
}

/// One padded input row of a convolution: `padWidth` zeros, the row, then zeros with slack for
/// vector reads past the end. For stride-2 folds, two half-length buffers collect the even and
/// odd padded columns.
private struct RowBuffer {
    let start: UnsafeMutablePointer<Float>
    /// Padded columns any tap reaches; `length` adds slack for vector reads.
    let reach: Int, length: Int, half: Int, pad: Int
    var interior: UnsafeMutablePointer<Float> { start + pad }
    var even: UnsafeMutablePointer<Float> { start + length }
    var odd: UnsafeMutablePointer<Float> { start + length + half }

    init(_ g: ConvGeometry) {
        pad = g.padWidth
        reach = max(g.inWidth + 2 * g.padWidth, (g.outWidth - 1) * g.strideWidth + g.kernelWidth)
        length = reach + 64
        half = (length + 1) / 2 + 16
        start = .allocate(capacity: length + 2 * half)
        start.update(repeating: 0, count: length + 2 * half)
    }

    func release() { start.deallocate() }

    /// Zeros the sums of a fold: the padded row, or both parity halves.
    func clear(stride: Int) {
        if stride == 2 {
            even.update(repeating: 0, count: (reach + 1) / 2)
            odd.update(repeating: 0, count: (reach + 1) / 2)
        } else {
            start.update(repeating: 0, count: reach)
        }
    }

    /// start[2t] = even[t], start[2t + 1] = odd[t] over the reach. Vectors of 32: the pair
    /// (even, odd) put side by side and unshuffled four times, since each unshuffle rotates the
    /// 5-bit lane index right by one bit, and four rotations right are one left: lane
    /// (half, t) goes to 2t + half.
    func interleave() {
        let pairs = (reach + 1) / 2
        var t = 0
        while t + 16 <= pairs {
            var v = SIMD32(lowHalf: UnsafeRawPointer(even + t).loadUnaligned(as: SIMD16<Float>.self),
                           highHalf: UnsafeRawPointer(odd + t).loadUnaligned(as: SIMD16<Float>.self))
            for _ in 0..<4 { v = SIMD32(lowHalf: v.evenHalf, highHalf: v.oddHalf) }
            UnsafeMutableRawPointer(start + 2 * t).storeBytes(of: v, as: SIMD32<Float>.self)
            t += 16
        }
        for t in t..<pairs {
            start[2 * t] = even[t]
            start[2 * t + 1] = odd[t]
        }
    }
}
