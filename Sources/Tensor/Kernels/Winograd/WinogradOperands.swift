/// The transformed operands of the Winograd products: weights into packed left operands, and
/// inputs (staged channels-last) into packed right panels or plain [tiles, depth] planes (the
/// weight gradient's output gradients are in `WinogradGradientTiles.swift`).
extension WinogradKernels {
    /// Bᵀ d B of the α × α windows at `window`, elements `rowStep` and `columnStep` floats
    /// apart, for `channels` consecutive channels (channels-last staging): plane p of the
    /// result at out + p·planeStride + c.
    @inline(__always)
    static func inputTile(
        _ window: UnsafePointer<Float>, rowStep: Int, columnStep: Int, channels: Int,
        into out: UnsafeMutablePointer<Float>, planeStride: Int
    ) {
        @inline(__always) func tile<L: WinogradLanes>(_: L.Type, _ c: Int) {
            WinogradTile<F>.data(
                { i, j in UnsafeRawPointer(window + c + i * rowStep + j * columnStep).loadUnaligned(as: L.self) },
                { p, value in UnsafeMutableRawPointer(out + c + p * planeStride).storeBytes(of: value, as: L.self) })
        }
        var c = 0
        while c + 16 <= channels { tile(SIMD16<Float>.self, c); c += 16 }
        while c + 4 <= channels { tile(SIMD4<Float>.self, c); c += 4 }
        while c < channels { tile(Float.self, c); c += 1 }
    }

    /// The forward kernel's transformed weight matrices U[p] [out, 4·in], with depth index
    /// (phase, channel), each packed once for all chunks.
    final class ForwardKernel {
        let lefts: [GEMMLeftOperand]

        init(_ g: ConvGeometry, weight: UnsafePointer<Float>) {
            let cin = g.inChannels
            lefts = WinogradKernels.packedFilters(
                weight, rows: g.outChannels, depth: 4 * cin, count: 1, rowStride: 16 * cin,
                columnBase: { k, _ in
                    let phase = k / cin
                    return k % cin * 16 + (phase >> 1) * 4 + (phase & 1)
                }, step: 2)
        }

        /// y of the chunk's images from its transformed input v: packed panels
        /// (`forwardPanels`), or V[p] [tiles, depth] planes (`forwardOperand`).
        func apply(
            _ t: WinogradTiling, _ v: UnsafePointer<Float>, packed: Bool, images: Range<Int>,
            y: UnsafeMutablePointer<Float>, scratch: ConvolutionScratch, wide: Bool
        ) {
            let g = t.g
            let tiles = images.count * t.tilesPerImage, depth = 4 * g.inChannels
            let mPlane = WinogradTransforms.planeStride(g.outChannels * tiles)
            let vPlane = WinogradTransforms.planeStride(
                packed ? PackedRightLayout(k: depth, n: tiles).count : tiles * depth)
            let m = scratch.floats(3, count: F.planes * mPlane)
            WinogradConvolution.forEachPosition(F.planes, wide: wide) { p, threaded in
                if packed {
                    PackedGEMM.multiplyPacked(lefts[p].packed!, m: g.outChannels, v + p * vPlane, n: tiles,
                                              k: depth, into: m + p * mPlane, beta: 0, threaded: threaded)
                } else {
                    GEMM.multiply(lefts[p], v + p * vPlane, transposeB: true,
                                  into: m + p * mPlane, n: tiles, threaded: threaded)
                }
            }
            WinogradLanes8.forEachPart(images: images.count, perImage: t.tilesPerImage, wide: wide) { r in
                WinogradKernels.scatterOutput(t, m, images: images, part: r, y: y)
            }
        }
    }

    /// Transformed 2×2 tap sets written straight into the products' packed left operands,
    /// eight rows at a time: `count` groups of `planes` matrices [rows, depth]. Tap (a, a′) of
    /// row r, column k in group q is weight[r·rowStride + columnBase(k, q) + step·(4a + a′)],
    /// step 2, or −2 for the input gradient's reversed taps.
    static func packedFilters(
        _ weight: UnsafePointer<Float>, rows: Int, depth: Int, count: Int, rowStride: Int,
        columnBase: (Int, Int) -> Int, step: Int
    ) -> [GEMMLeftOperand] {
        let size = PackedGEMM.packedLeftCount(m: rows, k: depth)
        let plane = WinogradTransforms.planeStride(size), planes = F.planes
        let storage = Tensor(uninitialized: [count * planes * plane])
        let layout = PackedGEMM.LeftLayout(m: rows, k: depth)
        let bases = (0..<(count * depth)).map { columnBase($0 % depth, $0 / depth) }
        let blocks = (rows + 7) / 8
        bases.withUnsafeBufferPointer { bases in
            Engine.parallelFor(blocks * count, grain: 1) { range in
                for unit in range {
                    let group = unit / blocks, r0 = unit % blocks * 8, lanes = min(8, rows - r0)
                    let base = storage.data + group * planes * plane
                    for k in 0..<depth {
                        let first = weight + r0 * rowStride + bases[group * depth + k]
                        var f00 = Lanes(), f01 = Lanes(), f10 = Lanes(), f11 = Lanes()
                        for lane in 0..<lanes {
                            let taps = first + lane * rowStride
                            f00[lane] = taps[0]
                            f01[lane] = taps[step]
                            f10[lane] = taps[4 * step]
                            f11[lane] = taps[5 * step]
                        }
                        let at = base + layout.index(row: r0, column: k)
                        WinogradTile<F>.filter(
                            { a, b in a == 0 ? (b == 0 ? f00 : f01) : (b == 0 ? f10 : f11) },
                            { p, value in
                                UnsafeMutableRawPointer(at + p * plane).storeBytes(of: value, as: Lanes.self)
                            })
                    }
                }
            }
        }
        return (0..<(count * planes)).map {
            GEMMLeftOperand(packed: storage.data + $0 * plane, storage: storage, m: rows, k: depth)
        }
    }

    /// Transforms tiles `range` (a start divisible by 16) straight into the products' packed
    /// right operands V[p] [depth, tiles] (`PackedRightLayout`): sixteen tiles × sixteen
    /// channels at a time, each plane's block transposed in registers so that a tile row of the
    /// panel is one vector store. base + window(tile) + phaseOffset(q) is the tile's first
    /// input (channel 0) of phase q, whose channels are rows q·channels ..< (q + 1)·channels.
    @inline(__always)
    static func writePanels(
        tiles range: Range<Int>, totalTiles: Int, channels: Int, phases: Int,
        window: (Int) -> Int, phaseOffset: (Int) -> Int, base: UnsafePointer<Float>,
        rowStep: Int, columnStep: Int, into v: UnsafeMutablePointer<Float>, planeStride: Int
    ) {
        typealias Vector = SIMD16<Float>
        let planes = F.planes
        let layout = PackedRightLayout(k: phases * channels, n: totalTiles)
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: planes * 16 + 32) { buffer in
          withUnsafeTemporaryAllocation(of: Int.self, capacity: 16) { windows in
            let work = buffer.baseAddress!, block = work + planes * 16
            for j0 in Swift.stride(from: range.lowerBound, to: range.upperBound, by: 16) {
                let count = min(16, range.upperBound - j0)
                // The window offsets once per group, not once per channel block.
                for q in 0..<count { windows[q] = window(j0 + q) }
                for phase in 0..<phases {
                    let shift = phaseOffset(phase)
                    for c0 in Swift.stride(from: 0, to: channels, by: 16) {
                        for q in 0..<16 {
                            guard q < count else {
                                for p in 0..<planes { work[p * 16 + q] = Vector() }
                                continue
                            }
                            let start = base + windows[q] + shift + c0
                            WinogradTile<F>.data(
                                { i, j in UnsafeRawPointer(start + i * rowStep + j * columnStep).loadUnaligned(as: Vector.self) },
                                { p, value in work[p * 16 + q] = value })
                        }
                        for p in 0..<planes {
                            for q in 0..<16 { block[q] = work[p * 16 + q] }
                            GEMMPacking.transpose16(block)
                            let out = v + p * planeStride
                            for q in 0..<16 {
                                let at = layout.index(row: phase * channels + c0 + q, column: j0)
                                UnsafeMutableRawPointer(out + at).storeBytes(of: block[q], as: Vector.self)
                            }
                        }
                    }
                }
            }
          }
        }
    }

    /// Images `images` of x, zero-padded by the layer's padding and staged channels-last
    /// (`t.stagedRows` × `t.stagedColumns` × channels each) for the forward-direction tiles.
    static func stageInput(
        _ t: WinogradTiling, x: UnsafePointer<Float>, images: Range<Int>, into staged: UnsafeMutablePointer<Float>
    ) {
        let g = t.g
        WinogradTransforms.stageChannelsLast(
            x + images.lowerBound * g.inChannels * g.inHeight * g.inWidth,
            images: images.count, channels: g.inChannels, height: g.inHeight, width: g.inWidth,
            rows: t.stagedRows, columns: t.stagedColumns, rowOrigin: -g.padHeight,
            columnOrigin: -g.padWidth, into: staged)
    }

    /// body(images, staged) for the chunk's images a block at a time, the fewest whose tiles
    /// make whole groups of 16: `stage` puts a block's images channels-last into `staged`
    /// (slot 0 of the thread's scratch), which body then transforms while it is in L2.
    /// (Staging a whole chunk first, megabytes, sent every staged line out to memory and
    /// back.) Wide: blocks over the threads, each on its own scratch.
    static func forEachStagedBlock(
        images count: Int, perImage: Int, imageFloats: Int, scratch: ConvolutionScratch, wide: Bool,
        stage: (Range<Int>, UnsafeMutablePointer<Float>) -> Void,
        _ body: (Range<Int>, UnsafePointer<Float>) -> Void
    ) {
        var unit = 1
        while unit * perImage % 16 != 0 { unit += 1 }
        let blocks = (count + unit - 1) / unit
        func run(_ range: Range<Int>, _ own: ConvolutionScratch) {
            let staged = own.floats(0, count: unit * imageFloats)
            for block in range {
                let images = (block * unit)..<min(count, (block + 1) * unit)
                stage(images, staged)
                body(images, staged)
            }
        }
        guard wide, blocks > 1 else { return run(0..<blocks, scratch) }
        Engine.parallelFor(blocks, pieces: blocks) { range in
            let own = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(own) }
            run(range, own)
        }
    }

    /// The chunk's input transformed into packed right operands (see `writePanels`) for the
    /// forward products alone, in V (scratch slot 1).
    static func forwardPanels(
        _ t: WinogradTiling, x: UnsafePointer<Float>, images: Range<Int>,
        scratch: ConvolutionScratch, wide: Bool
    ) -> UnsafeMutablePointer<Float> {
        let g = t.g, cin = g.inChannels, m = F.m
        let rows = t.stagedRows, columns = t.stagedColumns, imageFloats = rows * columns * cin
        let tiles = images.count * t.tilesPerImage, perImage = t.tilesPerImage, tw = t.tileColumns
        let vPlane = WinogradTransforms.planeStride(PackedRightLayout(k: 4 * cin, n: tiles).count)
        let v = scratch.floats(1, count: F.planes * vPlane)
        forEachStagedBlock(
            images: images.count, perImage: perImage, imageFloats: imageFloats, scratch: scratch, wide: wide,
            stage: { block, staged in
                stageInput(t, x: x, images: (images.lowerBound + block.lowerBound)..<(images.lowerBound + block.upperBound),
                           into: staged)
            }
        ) { block, staged in
            writePanels(
                tiles: (block.lowerBound * perImage)..<(block.upperBound * perImage), totalTiles: tiles,
                channels: cin, phases: 4,
                window: { tile in
                    let n = tile / perImage - block.lowerBound, rest = tile % perImage
                    let row = 2 * m * (rest / tw), column = 2 * m * (rest % tw)
                    return n * imageFloats + (row * columns + column) * cin
                },
                phaseOffset: { (($0 >> 1) * columns + ($0 & 1)) * cin }, base: staged,
                rowStep: 2 * columns * cin, columnStep: 2 * cin, into: v, planeStride: vPlane)
        }
        return v
    }

    /// The chunk's input staged channels-last and transformed: V[p] [tiles, 4·in] with depth
    /// index (phase, channel), in scratch slot 1; `packed`, written straight into the weight
    /// gradient's packed right operands (`PackedRightLayout` with k = tiles, n = 4·in, for
    /// channel counts divisible by 16: a tile's sixteen channels are one run of a panel row).
    /// Wide: images over the threads, each staging into slot 0 of its own scratch.
    static func forwardOperand(
        _ t: WinogradTiling, x: UnsafePointer<Float>, images: Range<Int>,
        scratch: ConvolutionScratch, wide: Bool, packed: Bool = false
    ) -> UnsafeMutablePointer<Float> {
        let g = t.g, cin = g.inChannels, depth = 4 * cin, m = F.m
        let rows = t.stagedRows, columns = t.stagedColumns
        let tiles = images.count * t.tilesPerImage
        let layout = PackedRightLayout(k: tiles, n: depth)
        let vPlane = WinogradTransforms.planeStride(packed ? layout.count : tiles * depth)
        let v = scratch.floats(1, count: F.planes * vPlane)
        let rowFloats = columns * cin
        // One image staged at a time, transformed while the staging is in L2.
        func transform(_ part: Range<Int>, _ own: ConvolutionScratch) {
            let image = own.floats(0, count: rows * columns * cin)
            for n in part {
                stageInput(t, x: x, images: (images.lowerBound + n)..<(images.lowerBound + n + 1), into: image)
                for ty in 0..<t.tileRows {
                    for tx in 0..<t.tileColumns {
                        let tile = (n * t.tileRows + ty) * t.tileColumns + tx
                        for phase in 0..<4 {
                            let bh = phase >> 1, bw = phase & 1
                            let window = image + ((2 * m * ty + bh) * columns + 2 * m * tx + bw) * cin
                            guard packed else {
                                inputTile(window, rowStep: 2 * rowFloats, columnStep: 2 * cin, channels: cin,
                                          into: v + tile * depth + phase * cin, planeStride: vPlane)
                                continue
                            }
                            for c0 in Swift.stride(from: 0, to: cin, by: 16) {
                                inputTile(window + c0, rowStep: 2 * rowFloats, columnStep: 2 * cin, channels: 16,
                                          into: v + layout.index(row: tile, column: phase * cin + c0),
                                          planeStride: vPlane)
                            }
                        }
                    }
                }
            }
        }
        guard wide else {
            transform(0..<images.count, scratch)
            return v
        }
        Engine.parallelFor(images.count, pieces: images.count) { part in
            let own = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(own) }
            transform(part, own)
        }
        return v
    }
}
