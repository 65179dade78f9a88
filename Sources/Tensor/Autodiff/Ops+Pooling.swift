/// Max and average pooling over square windows of NCHW tensors. First-order gradients.
extension Variable {
    /// PyTorch `F.max_pool2d` (padding counts as −∞; ties go to the first maximum).
    public func maxPool2d(kernel: Int, stride: Int, padding: Int = 0) -> Variable {
        let p = PoolGeometry(shape, kernel: kernel, stride: stride, padding: padding)
        let out = Tensor(uninitialized: p.outShape)
        let argmax = UnsafeMutableBufferPointer<Int32>.allocate(capacity: out.count)
        let x = value.data
        p.forEachWindow { plane, o, rows, cols in
            var best = -Float.infinity, at = Int32(-1)
            for ih in rows {
                for iw in cols {
                    let i = plane * p.inPlane + ih * p.inWidth + iw
                    if x[i] > best || at < 0 { best = x[i]; at = Int32(i) }
                }
            }
            out.data[plane * p.outPlane + o] = best
            argmax[plane * p.outPlane + o] = at
        }
        let inShape = shape
        let box = Box(argmax)
        return Variable.record(out, op: "max_pool2d", inputs: [self]) { g in
            GradMode.requireFirstOrder("maxPool2d")
            let dx = Tensor(shape: inShape)
            for o in 0..<g.value.count { dx.data[Int(box.pointer[o])] += g.value.data[o] }
            return [Variable(dx)]
        }
    }

    /// PyTorch `F.avg_pool2d` with `count_include_pad=False`: padded positions are not
    /// counted in the divisor.
    public func avgPool2d(kernel: Int, stride: Int, padding: Int = 0) -> Variable {
        let p = PoolGeometry(shape, kernel: kernel, stride: stride, padding: padding)
        let out = Tensor(uninitialized: p.outShape)
        let x = value.data
        p.forEachWindow { plane, o, rows, cols in
            var total: Float = 0
            for ih in rows { for iw in cols { total += x[plane * p.inPlane + ih * p.inWidth + iw] } }
            out.data[plane * p.outPlane + o] = total / Float(rows.count * cols.count)
        }
        let inShape = shape
        return Variable.record(out, op: "avg_pool2d", inputs: [self]) { g in
            GradMode.requireFirstOrder("avgPool2d")
            let dx = Tensor(shape: inShape)
            p.forEachWindow { plane, o, rows, cols in
                let share = g.value.data[plane * p.outPlane + o] / Float(rows.count * cols.count)
                for ih in rows { for iw in cols { dx.data[plane * p.inPlane + ih * p.inWidth + iw] += share } }
            }
            return [Variable(dx)]
        }
    }

    /// Mean over each channel's spatial plane: [N, C, H, W] -> [N, C, 1, 1].
    public func globalAvgPool() -> Variable {
        let layout = ChannelLayout(shape)
        let out = Tensor(uninitialized: [layout.batch, layout.channels, 1, 1])
        for nc in 0..<(layout.batch * layout.channels) {
            var total: Float = 0
            let base = value.data + nc * layout.plane
            for i in 0..<layout.plane { total += base[i] }
            out.data[nc] = total / Float(layout.plane)
        }
        let inShape = shape
        return Variable.record(out, op: "global_avg_pool", inputs: [self]) { g in
            GradMode.requireFirstOrder("globalAvgPool")
            let dx = Tensor(uninitialized: inShape)
            for nc in 0..<(layout.batch * layout.channels) {
                (dx.data + nc * layout.plane).update(
                    repeating: g.value.data[nc] / Float(layout.plane), count: layout.plane)
            }
            return [Variable(dx)]
        }
    }
}

/// Frees an index buffer when the last closure holding it goes away.
private final class Box {
    let pointer: UnsafeMutableBufferPointer<Int32>
    init(_ pointer: UnsafeMutableBufferPointer<Int32>) { self.pointer = pointer }
    deinit { pointer.deallocate() }
}

/// Window positions of a square pooling over [N, C, H, W].
struct PoolGeometry {
    let planes: Int, inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int
    let kernel: Int, stride: Int, padding: Int
    let outShape: [Int]

    init(_ shape: [Int], kernel: Int, stride: Int, padding: Int) {
        precondition(shape.count == 4, "pooling needs NCHW input, got \(shape)")
        precondition(padding * 2 <= kernel, "pooling: padding \(padding) exceeds half the kernel \(kernel)")
        planes = shape[0] * shape[1]
        inHeight = shape[2]
        inWidth = shape[3]
        outHeight = (inHeight + 2 * padding - kernel) / stride + 1
        outWidth = (inWidth + 2 * padding - kernel) / stride + 1
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        outShape = [shape[0], shape[1], outHeight, outWidth]
    }

    var inPlane: Int { inHeight * inWidth }
    var outPlane: Int { outHeight * outWidth }

    /// Calls `body(plane, outputIndex, rows, cols)` with each window clipped to the input.
    func forEachWindow(_ body: (Int, Int, Range<Int>, Range<Int>) -> Void) {
        for plane in 0..<planes {
            for oh in 0..<outHeight {
                let top = oh * stride - padding
                let rows = max(top, 0)..<min(top + kernel, inHeight)
                for ow in 0..<outWidth {
                    let left = ow * stride - padding
                    body(plane, oh * outWidth + ow, rows, max(left, 0)..<min(left + kernel, inWidth))
                }
            }
        }
    }
}
