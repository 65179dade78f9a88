/// The inverse transforms: products back to outputs, input gradients and tap gradients, eight
/// tiles at a time.
extension WinogradKernels {
    /// dw [out, in, 4, 4] from the summed products M[p] [out, (phase, in)]: Gᵀ M G per tap set.
    static func weightsFromProducts(
        _ g: ConvGeometry, _ m: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>
    ) {
        let cin = g.inChannels, depth = 4 * cin
        let plane = WinogradTransforms.planeStride(g.outChannels * depth)
        Engine.parallelFor(g.outChannels, grain: 8) { range in
            for o in range {
                for c in 0..<cin {
                    let taps = dw + (o * cin + c) * 16
                    for phase in 0..<4 {
                        let bh = phase >> 1, bw = phase & 1
                        let products = m + o * depth + phase * cin + c
                        WinogradTile<F>.taps({ products[$0 * plane] },
                                             { a, b, value in taps[(bh + 2 * a) * 4 + bw + 2 * b] = value })
                    }
                }
            }
        }
    }

    /// Aᵀ M A of the eight tiles whose products start at m (planes `stride` apart) into
    /// outputs[(u·m + u′)·8 + lane]; lanes past `count` read the planes' padding or the next
    /// row and are not used.
    @inline(__always)
    static func outputTiles(_ m: UnsafePointer<Float>, stride: Int, into outputs: UnsafeMutablePointer<Lanes>) {
        WinogradTile<F>.output(
            { p in UnsafeRawPointer(m + p * stride).loadUnaligned(as: Lanes.self) },
            { u, c, value in outputs[u * F.m + c] = value })
    }

    /// Aᵀ M A of eight tiles of both column parities, whose products start at even and odd,
    /// into outputs[u·2m + 2u′ + parity] (parity 0 the one whose first column is even).
    @inline(__always)
    static func parityOutputs(
        _ even: UnsafePointer<Float>, _ odd: UnsafePointer<Float>, stride: Int,
        into outputs: UnsafeMutablePointer<Lanes>
    ) {
        let mm = F.m
        WinogradTile<F>.output(
            { p in UnsafeRawPointer(even + p * stride).loadUnaligned(as: Lanes.self) },
            { u, v, value in outputs[u * 2 * mm + 2 * v] = value })
        WinogradTile<F>.output(
            { p in UnsafeRawPointer(odd + p * stride).loadUnaligned(as: Lanes.self) },
            { u, v, value in outputs[u * 2 * mm + 2 * v + 1] = value })
    }

    /// y of the chunk from the products M[p] [out, tiles]: Aᵀ M A on eight tiles at a time,
    /// each tile's outputs then stored where they lie in its image (dropping what lies outside
    /// a plane that does not divide into whole tiles).
    static func scatterOutput(
        _ t: WinogradTiling, _ m: UnsafePointer<Float>, images: Range<Int>, part: Range<Int>,
        y: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, mm = F.m, tiles = images.count * t.tilesPerImage
        let oh = g.outHeight, ow = g.outWidth, stride = WinogradTransforms.planeStride(g.outChannels * tiles)
        let tw = t.tileColumns, perImage = t.tilesPerImage
        let range = (part.lowerBound * perImage)..<(part.upperBound * perImage)
        if oh % mm == 0, ow % mm == 0, WinogradLanes8.groups(columns: tw, perImage: perImage) {
            // Whole tiles in groups along rows: each output row one interleaved run per tile row.
            let run = mm * min(tw, 8)
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 2 * mm * mm) { buffer in
                let outputs = buffer.baseAddress!, row = outputs + mm * mm
                let rowFloats = UnsafeRawPointer(row).assumingMemoryBound(to: Float.self)
                for n in part {
                    for o in 0..<g.outChannels {
                        let plane = y + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane
                        let products = m + o * tiles + n * perImage
                        for first in Swift.stride(from: 0, to: perImage, by: 8) {
                            outputTiles(products + first, stride: stride, into: outputs)
                            let top = plane + mm * (first / tw) * ow + mm * (first % tw)
                            for u in 0..<mm {
                                WinogradLanes8.interleave(outputs + u * mm, count: mm, into: row)
                                WinogradLanes8.storeRuns(rowFloats, count: 8 * mm, run: run,
                                                         rowStep: mm * ow, into: top + u * ow)
                            }
                        }
                    }
                }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 2 * mm * mm) { buffer in
            let outputs = buffer.baseAddress!, rows = outputs + mm * mm
            let rowFloats = UnsafeRawPointer(rows).assumingMemoryBound(to: Float.self)
            WinogradLanes8.forEachGroup(range, perImage: perImage, channels: g.outChannels) { o, first in
                let products = m + o * tiles
                outputTiles(products + first, stride: stride, into: outputs)
                // Row u of each tile: its m outputs side by side (tile k's at k·m).
                for u in 0..<mm {
                    WinogradLanes8.interleave(outputs + u * mm, count: mm, into: rows + u * mm)
                }
                var cursor = TileCursor(first, perImage: perImage, columns: tw)
                for lane in 0..<min(8, range.upperBound - first) {
                    let n = cursor.image, h0 = mm * cursor.row, w0 = mm * cursor.column
                    cursor.advance()
                    let plane = y + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane + h0 * ow + w0
                    let width = min(mm, ow - w0)
                    for u in 0..<min(mm, oh - h0) {
                        WinogradLanes8.copy(rowFloats + u * 8 * mm + lane * mm, count: width, full: mm,
                                            into: plane + u * ow)
                    }
                }
            }
        }
    }

    /// The dx rows of row parity bh from the products of its two column parities, m[bw][p]
    /// [in, tiles], eight tiles of a parity at a time.
    static func scatterInputGradient(
        _ t: WinogradTiling, _ m: UnsafePointer<Float>, rowParity bh: Int, images: Range<Int>,
        part: Range<Int>, dx: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, mm = F.m, tiles = images.count * t.gradientTilesPerImage
        let rowsUsed = t.rows.count(bh)
        let r0 = 2 * t.rows.first(bh) + bh - g.padHeight
        let iw = g.inWidth, stride = WinogradTransforms.planeStride(g.inChannels * tiles)
        let parityProducts = F.planes * stride
        let tw = t.columns.tiles, perImage = t.gradientTilesPerImage
        let range = (part.lowerBound * perImage)..<(part.upperBound * perImage)
        // The first dx value of the cursor's tile in channel c (column offset s0), and the
        // tile's first output row and column within the parity; advances the cursor.
        @inline(__always)
        func tileStart(_ cursor: inout TileCursor, _ c: Int, _ s0: Int) -> (UnsafeMutablePointer<Float>, Int, Int) {
            let n = cursor.image, j0 = mm * cursor.row, i0 = mm * cursor.column
            cursor.advance()
            let plane = dx + ((images.lowerBound + n) * g.inChannels + c) * g.inHeight * iw
            return (plane + (r0 + 2 * j0) * iw + s0 + 2 * i0, j0, i0)
        }
        let columnsUsed = t.columns.count(0)
        // With both column parities together, row u of a tile is 2m consecutive columns: the
        // parity whose first column is even at the even ones, starting at column s0.
        let evenParity = (2 * t.columns.first(0) - g.padWidth) == 0 ? 0 : 1
        let s0 = 2 * t.columns.first(evenParity) + evenParity - g.padWidth
        let whole = columnsUsed == mm * tw && t.columns.count(1) == mm * tw && rowsUsed == mm * t.rows.tiles
        if whole, WinogradLanes8.groups(columns: tw, perImage: perImage) {
            // Whole tiles, eight of them along one tile row or covering whole rows: each
            // output row of the group is one interleaved run per tile row, stored as vectors.
            let run = 2 * mm * min(tw, 8)
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 4 * mm * mm) { buffer in
                let outputs = buffer.baseAddress!, row = outputs + 2 * mm * mm
                let rowFloats = UnsafeRawPointer(row).assumingMemoryBound(to: Float.self)
                for n in part {
                    for c in 0..<g.inChannels {
                        let plane = dx + ((images.lowerBound + n) * g.inChannels + c) * g.inHeight * iw
                            + r0 * iw + s0
                        let even = m + evenParity * parityProducts + c * tiles + n * perImage
                        let odd = m + (1 - evenParity) * parityProducts + c * tiles + n * perImage
                        for first in Swift.stride(from: 0, to: perImage, by: 8) {
                            parityOutputs(even + first, odd + first, stride: stride, into: outputs)
                            let top = plane + 2 * mm * (first / tw) * iw + 2 * mm * (first % tw)
                            for u in 0..<mm {
                                WinogradLanes8.interleave(outputs + u * 2 * mm, count: 2 * mm, into: row)
                                WinogradLanes8.storeRuns(rowFloats, count: 16 * mm, run: run,
                                                         rowStep: 2 * mm * iw, into: top + 2 * u * iw)
                            }
                        }
                    }
                }
            }
            return
        }
        if columnsUsed == t.columns.count(1) {
            // Both column parities together, tile by tile (partial tiles clipped).
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 4 * mm * mm) { buffer in
                let outputs = buffer.baseAddress!, rows = outputs + 2 * mm * mm
                let rowFloats = UnsafeRawPointer(rows).assumingMemoryBound(to: Float.self)
                WinogradLanes8.forEachGroup(range, perImage: perImage, channels: g.inChannels) { c, first in
                    let even = m + evenParity * parityProducts + c * tiles
                    let odd = m + (1 - evenParity) * parityProducts + c * tiles
                    parityOutputs(even + first, odd + first, stride: stride, into: outputs)
                    for u in 0..<mm {
                        WinogradLanes8.interleave(outputs + u * 2 * mm, count: 2 * mm, into: rows + u * 2 * mm)
                    }
                    var cursor = TileCursor(first, perImage: perImage, columns: tw)
                    for lane in 0..<min(8, range.upperBound - first) {
                        let (plane, j0, i0) = tileStart(&cursor, c, s0)
                        let width = 2 * min(mm, columnsUsed - i0)
                        for u in 0..<min(mm, rowsUsed - j0) {
                            WinogradLanes8.copy(rowFloats + u * 16 * mm + lane * 2 * mm, count: width,
                                                full: 2 * mm, into: plane + 2 * u * iw)
                        }
                    }
                }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: mm * mm) { buffer in
            let outputs = buffer.baseAddress!
            let lanes = UnsafeMutableRawPointer(outputs).assumingMemoryBound(to: Float.self)
            for c in 0..<g.inChannels {
                for bw in 0..<2 {
                    let columnsUsed = t.columns.count(bw)
                    let s0 = 2 * t.columns.first(bw) + bw - g.padWidth
                    let products = m + bw * parityProducts + c * tiles
                    for first in Swift.stride(from: range.lowerBound, to: range.upperBound, by: 8) {
                        outputTiles(products + first, stride: stride, into: outputs)
                        var cursor = TileCursor(first, perImage: perImage, columns: tw)
                        for lane in 0..<min(8, range.upperBound - first) {
                            let (plane, j0, i0) = tileStart(&cursor, c, s0)
                            if j0 + mm <= rowsUsed && i0 + mm <= columnsUsed {
                                for u in 0..<mm {
                                    for v in 0..<mm { plane[2 * (u * iw + v)] = lanes[(u * mm + v) * 8 + lane] }
                                }
                            } else {
                                for u in 0..<mm where j0 + u < rowsUsed {
                                    for v in 0..<mm where i0 + v < columnsUsed {
                                        plane[2 * (u * iw + v)] = lanes[(u * mm + v) * 8 + lane]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The dx rows of row parity bh when the parities share their windows: tile (ty, tx) of
    /// either parity covers the 2m × 2m block of dx whose top left is (top + 2m·ty, left + 2m·tx),
    /// top and left the dx row and column of padded index 2(origin + 1), parity b at offset b.
    /// The blocks along the edges reach one row or column past dx on either side, clipped here.
    static func scatterSharedInputGradient(
        _ t: WinogradTiling, _ m: UnsafePointer<Float>, rowParity bh: Int, images: Range<Int>,
        part: Range<Int>, dx: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, mm = F.m, tiles = images.count * t.gradientTilesPerImage
        let ih = g.inHeight, iw = g.inWidth, stride = WinogradTransforms.planeStride(g.inChannels * tiles)
        let tw = t.columns.tiles, perImage = t.gradientTilesPerImage
        let range = (part.lowerBound * perImage)..<(part.upperBound * perImage)
        let top = 2 * (t.rows.origin + 1) + bh - g.padHeight, left = 2 * (t.columns.origin + 1) - g.padWidth
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 4 * mm * mm) { buffer in
            let outputs = buffer.baseAddress!, rows = outputs + 2 * mm * mm
            let rowFloats = UnsafeRawPointer(rows).assumingMemoryBound(to: Float.self)
            WinogradLanes8.forEachGroup(range, perImage: perImage, channels: g.inChannels) { c, first in
                let even = m + c * tiles, odd = even + F.planes * stride
                parityOutputs(even + first, odd + first, stride: stride, into: outputs)
                for u in 0..<mm {
                    WinogradLanes8.interleave(outputs + u * 2 * mm, count: 2 * mm, into: rows + u * 2 * mm)
                }
                // Lanes of consecutive tiles along one tile row are consecutive columns of dx
                // after the interleave: each such run is copied as one span per row.
                var cursor = TileCursor(first, perImage: perImage, columns: tw)
                let lanes = min(8, range.upperBound - first)
                var lane = 0
                while lane < lanes {
                    let n = cursor.image, ty = cursor.row, column = left + 2 * mm * cursor.column
                    var end = lane + 1
                    cursor.advance()
                    while end < lanes && cursor.column > 0 && cursor.row == ty && cursor.image == n {
                        end += 1
                        cursor.advance()
                    }
                    let c0 = max(0, column), c1 = min(iw, column + 2 * mm * (end - lane))
                    let plane = dx + ((images.lowerBound + n) * g.inChannels + c) * ih * iw
                    for u in 0..<mm {
                        let row = top + 2 * mm * ty + 2 * u
                        guard row >= 0 && row < ih && c1 > c0 else { continue }
                        WinogradLanes8.copySpan(rowFloats + u * 16 * mm + lane * 2 * mm + (c0 - column),
                                                count: c1 - c0, into: plane + row * iw + c0)
                    }
                    lane = end
                }
            }
        }
    }
}

/// The image, tile row and tile column of consecutive tiles, advanced without divisions.
struct TileCursor {
    let perImage: Int, columns: Int
    var image: Int, row: Int, column: Int

    init(_ tile: Int, perImage: Int, columns: Int) {
        self.perImage = perImage
        self.columns = columns
        image = tile / perImage
        let rest = tile % perImage
        row = rest / columns
        column = rest % columns
    }

    @inline(__always)
    mutating func advance() {
        column += 1
        guard column == columns else { return }
        column = 0
        row += 1
        guard row * columns == perImage else { return }
        row = 0
        image += 1
    }
}
