/// Unfolding (im2col) and folding (col2im) of one chunk of images, on the calling thread.
///
/// Both go through `PhasePlanes`: one channel of one image, zero-padded and split by column
/// phase (column mod stride), so that every kernel tap's output row is a contiguous run of one
/// phase plane. Unfolding is then plain copies, folding plain vector adds, and each input value
/// is split or merged once per channel instead of once per tap.
extension ConvolutionKernels {
    /// Unfolds every receptive field of x into a column of `cols`
    /// ([inChannels·kH·kW, batch·outH·outW]), zeros for padding.
    static func im2col(_ g: ConvGeometry, x: UnsafePointer<Float>, cols: UnsafeMutablePointer<Float>) {
        let planes = PhasePlanes(g)
        defer { planes.release() }
        forEachRun(g, planes, enter: { planes.split(x + $0) }, leave: { _ in }) { r, p, phase in
            copyRun(phase, cols + r * g.columns + p, count: g.outWidth)
        }
    }

    /// The same unfolding written straight into the packed layout the GEMM reads for a left
    /// operand [patch × columns] (`PackedGEMM.packLeft`: per kc block of columns, panels of
    /// mr rows, each column's mr values side by side), so a product with the columns as its
    /// left factor needs no packing pass. `dst` holds `packedLeftCount(patch, columns)` floats.
    static func im2colPackedLeft(_ g: ConvGeometry, x: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
        let planes = PhasePlanes(g)
        defer { planes.release() }
        let layout = PackedGEMM.LeftLayout(m: g.patchSize, k: g.columns)
        layout.zeroPaddingRows(dst)
        forEachRun(g, planes, enter: { planes.split(x + $0) }, leave: { _ in }) { r, p, phase in
            layout.scatter(phase, row: r, columns: p..<(p + g.outWidth), into: dst)
        }
    }

    /// Folds columns back into x (which it overwrites), summing each element's contributions
    /// over kernel taps in (row, column) order.
    static func col2im(_ g: ConvGeometry, cols: UnsafePointer<Float>, x: UnsafeMutablePointer<Float>) {
        let planes = PhasePlanes(g)
        defer { planes.release() }
        forEachRun(g, planes, enter: { _ in planes.clear() }, leave: { planes.merge(into: x + $0) }) { r, p, phase in
            addRun(cols + r * g.columns + p, phase, count: g.outWidth)
        }
    }

    /// The walk they share: for each channel and image of the chunk, `enter(offset of that
    /// plane in x)`, then for every kernel tap and output row `visit(row of cols, first
    /// column, run of the phase planes)`, each run `outWidth` long, then `leave(offset)`.
    @inline(__always)
    private static func forEachRun(
        _ g: ConvGeometry, _ planes: PhasePlanes, enter: (Int) -> Void, leave: (Int) -> Void,
        visit: (Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) {
        let plane = g.inHeight * g.inWidth
        // Consecutive output rows use padded rows `strideHeight` apart.
        let rowStep = g.strideHeight * planes.phaseWidth
        for c in 0..<g.inChannels {
            for n in 0..<g.batch {
                let offset = (n * g.inChannels + c) * plane
                enter(offset)
                for i in 0..<g.kernelHeight {
                    for j in 0..<g.kernelWidth {
                        let r = (c * g.kernelHeight + i) * g.kernelWidth + j
                        var column = n * g.outPlane
                        var phase = planes.run(row: i, tap: j)
                        for _ in 0..<g.outHeight {
                            visit(r, column, phase)
                            column += g.outWidth
                            phase += rowStep
                        }
                    }
                }
                leave(offset)
            }
        }
    }
}

/// dst[0..<count] = src[0..<count] for the short runs of an unfold, without a call to memmove.
/// A run that is not a whole number of vectors ends with one more vector laid over the end of
/// the previous one (the two buffers are distinct, so the overlap rewrites the same values):
/// a 7-wide run (7×7 output planes) is two 4-float moves instead of one and three scalars.
/// Also the chunks' plane-by-plane layout copies, whose planes (49 floats for 7×7) cost more in
/// a call to memmove than in the copy.
@inline(__always)
func copyRun(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
    @inline(__always)
    func move<V: SIMD>(_: V.Type, at t: Int) where V.Scalar == Float {
        UnsafeMutableRawPointer(dst + t).storeBytes(
            of: UnsafeRawPointer(src + t).loadUnaligned(as: V.self), as: V.self)
    }
    if count >= 16 {
        var t = 0
        while t + 16 <= count {
            move(SIMD16<Float>.self, at: t)
            t += 16
        }
        if t < count { move(SIMD16<Float>.self, at: count - 16) }
    } else if count >= 8 {
        move(SIMD8<Float>.self, at: 0)
        move(SIMD8<Float>.self, at: count - 8)
    } else if count >= 4 {
        move(SIMD4<Float>.self, at: 0)
        move(SIMD4<Float>.self, at: count - 4)
    } else {
        for t in 0..<count { dst[t] = src[t] }
    }
}

/// acc[0..<count] += src[0..<count] in vectors as wide as the run allows: the runs of a fold
/// are a layer's output width, often 4 or 8, where a general loop spends more on its set-up.
@inline(__always)
private func addRun(_ src: UnsafePointer<Float>, _ acc: UnsafeMutablePointer<Float>, count: Int) {
    var t = 0
    while t + 16 <= count {
        let sum = UnsafeRawPointer(acc + t).loadUnaligned(as: SIMD16<Float>.self)
            + UnsafeRawPointer(src + t).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(acc + t).storeBytes(of: sum, as: SIMD16<Float>.self)
        t += 16
    }
    if t + 8 <= count {
        let sum = UnsafeRawPointer(acc + t).loadUnaligned(as: SIMD8<Float>.self)
            + UnsafeRawPointer(src + t).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(acc + t).storeBytes(of: sum, as: SIMD8<Float>.self)
        t += 8
    }
    if t + 4 <= count {
        let sum = UnsafeRawPointer(acc + t).loadUnaligned(as: SIMD4<Float>.self)
            + UnsafeRawPointer(src + t).loadUnaligned(as: SIMD4<Float>.self)
        UnsafeMutableRawPointer(acc + t).storeBytes(of: sum, as: SIMD4<Float>.self)
        t += 4
    }
    if t + 2 <= count {
        let sum = UnsafeRawPointer(acc + t).loadUnaligned(as: SIMD2<Float>.self)
            + UnsafeRawPointer(src + t).loadUnaligned(as: SIMD2<Float>.self)
        UnsafeMutableRawPointer(acc + t).storeBytes(of: sum, as: SIMD2<Float>.self)
        t += 2
    }
    while t < count {
        acc[t] += src[t]
        t += 1
    }
}

/// One channel of one image, zero-padded, as `stride` planes of its column phases: phase q
/// holds padded columns q, q + stride, q + 2·stride, ... A tap j at output column ow reads
/// padded column ow·stride + j, that is phase j mod stride at index ow + j / stride: for
/// consecutive ow, consecutive values.
struct PhasePlanes {
    let g: ConvGeometry
    /// Padded rows and the length of one phase row.
    let rows: Int, phaseWidth: Int
    let values: UnsafeMutablePointer<Float>
    /// Scratch for one padded row while merging.
    let line: UnsafeMutablePointer<Float>
    var count: Int { g.strideWidth * rows * phaseWidth }

    init(_ g: ConvGeometry) {
        self.g = g
        rows = max(g.inHeight + 2 * g.padHeight, (g.outHeight - 1) * g.strideHeight + g.kernelHeight)
        let paddedWidth = max(g.inWidth + 2 * g.padWidth, (g.outWidth - 1) * g.strideWidth + g.kernelWidth)
        phaseWidth = (paddedWidth + g.strideWidth - 1) / g.strideWidth
        values = .allocate(capacity: g.strideWidth * rows * phaseWidth)
        line = .allocate(capacity: phaseWidth * g.strideWidth + 32)
        values.update(repeating: 0, count: g.strideWidth * rows * phaseWidth)
    }

    func release() {
        values.deallocate()
        line.deallocate()
    }

    func clear() { values.update(repeating: 0, count: count) }

    /// The run tap `tap` reads in padded row `row`.
    @inline(__always)
    func run(row: Int, tap: Int) -> UnsafeMutablePointer<Float> {
        let s = g.strideWidth
        return values + ((tap % s) * rows + row) * phaseWidth + tap / s
    }

    /// Fills the planes from one [inHeight, inWidth] channel. Padding positions are never
    /// written, so they keep the zeros of `init`.
    func split(_ x: UnsafePointer<Float>) {
        let s = g.strideWidth, w = g.inWidth
        for h in 0..<g.inHeight {
            let src = x + h * w
            let r = h + g.padHeight
            if s == 1 {
                (values + r * phaseWidth + g.padWidth).update(from: src, count: w)
                continue
            }
            if s == 2 {
                // Even input columns land in one phase, odd ones in the other.
                let pad = g.padWidth
                let evens = values + ((pad % 2) * rows + r) * phaseWidth + pad / 2
                let odds = values + (((pad + 1) % 2) * rows + r) * phaseWidth + (pad + 1) / 2
                var t = 0
                while 2 * t + 32 <= w {
                    let v = UnsafeRawPointer(src + 2 * t).loadUnaligned(as: SIMD32<Float>.self)
                    UnsafeMutableRawPointer(evens + t).storeBytes(of: v.evenHalf, as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(odds + t).storeBytes(of: v.oddHalf, as: SIMD16<Float>.self)
                    t += 16
                }
                if 2 * t + 16 <= w {
                    let v = UnsafeRawPointer(src + 2 * t).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(evens + t).storeBytes(of: v.evenHalf, as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(odds + t).storeBytes(of: v.oddHalf, as: SIMD8<Float>.self)
                    t += 8
                }
                if 2 * t + 8 <= w {
                    let v = UnsafeRawPointer(src + 2 * t).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(evens + t).storeBytes(of: v.evenHalf, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(odds + t).storeBytes(of: v.oddHalf, as: SIMD4<Float>.self)
                    t += 4
                }
                for col in (2 * t)..<w {
                    if col & 1 == 0 { evens[col / 2] = src[col] } else { odds[col / 2] = src[col] }
                }
                continue
            }
            for col in 0..<w {
                let p = col + g.padWidth
                values[((p % s) * rows + r) * phaseWidth + p / s] = src[col]
            }
        }
    }

    /// Writes the planes' interior back as one [inHeight, inWidth] channel.
    func merge(into x: UnsafeMutablePointer<Float>) {
        let s = g.strideWidth, w = g.inWidth
        for h in 0..<g.inHeight {
            let dst = x + h * w
            let r = h + g.padHeight
            if s == 1 {
                dst.update(from: values + r * phaseWidth + g.padWidth, count: w)
                continue
            }
            if s == 2 {
                interleave(values + r * phaseWidth, values + (rows + r) * phaseWidth, into: line)
                dst.update(from: line + g.padWidth, count: w)
                continue
            }
            for col in 0..<w {
                let p = col + g.padWidth
                dst[col] = values[((p % s) * rows + r) * phaseWidth + p / s]
            }
        }
    }

    /// line[2t] = even[t], line[2t + 1] = odd[t] for t < phaseWidth. Vectors of 32: the pair
    /// (even, odd) side by side, unshuffled four times; each unshuffle rotates the 5-bit lane
    /// index right by one bit and four rotations right are one left, so lane (half, t) lands
    /// on 2t + half.
    private func interleave(
        _ even: UnsafePointer<Float>, _ odd: UnsafePointer<Float>, into line: UnsafeMutablePointer<Float>
    ) {
        var t = 0
        while t + 16 <= phaseWidth {
            var v = SIMD32(lowHalf: UnsafeRawPointer(even + t).loadUnaligned(as: SIMD16<Float>.self),
                           highHalf: UnsafeRawPointer(odd + t).loadUnaligned(as: SIMD16<Float>.self))
            for _ in 0..<4 { v = SIMD32(lowHalf: v.evenHalf, highHalf: v.oddHalf) }
            UnsafeMutableRawPointer(line + 2 * t).storeBytes(of: v, as: SIMD32<Float>.self)
            t += 16
        }
        if t + 8 <= phaseWidth {
            // The same with a 4-bit lane index: three rotations right are one left.
            var v = SIMD16(lowHalf: UnsafeRawPointer(even + t).loadUnaligned(as: SIMD8<Float>.self),
                           highHalf: UnsafeRawPointer(odd + t).loadUnaligned(as: SIMD8<Float>.self))
            for _ in 0..<3 { v = SIMD16(lowHalf: v.evenHalf, highHalf: v.oddHalf) }
            UnsafeMutableRawPointer(line + 2 * t).storeBytes(of: v, as: SIMD16<Float>.self)
            t += 8
        }
        for t in t..<phaseWidth {
            line[2 * t] = even[t]
            line[2 * t + 1] = odd[t]
        }
    }
}
