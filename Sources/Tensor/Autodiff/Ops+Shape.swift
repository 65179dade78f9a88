/// Ops that move values without changing them: reshapes and channel concatenation.
extension Variable {
    /// The same values under another shape of equal size (PyTorch `view`/`reshape`).
    public func reshaped(_ newShape: [Int]) -> Variable {
        let oldShape = shape
        return Variable.record(value.reshaped(newShape), op: "reshape", inputs: [self]) { g in
            [g.reshaped(oldShape)]
        }
    }

    /// [N, ...] -> [N, product of the rest].
    public func flattened() -> Variable {
        reshaped([shape[0], shape.dropFirst().reduce(1, *)])
    }

    /// Concatenates NCHW (or [N, C]) tensors along the channel dimension.
    public static func concatenateChannels(_ parts: [Variable]) -> Variable {
        let layouts = parts.map { ChannelLayout($0.shape) }
        let batch = layouts[0].batch, plane = layouts[0].plane
        precondition(layouts.allSatisfy { $0.batch == batch && $0.plane == plane },
                     "concatenate: shapes \(parts.map(\.shape)) differ outside dimension 1")
        let total = layouts.reduce(0) { $0 + $1.channels }
        var shape = parts[0].shape
        shape[1] = total
        let out = Tensor(uninitialized: shape)
        var offset = 0
        for (part, layout) in zip(parts, layouts) {
            let size = layout.channels * plane
            for n in 0..<batch {
                (out.data + n * total * plane + offset * plane).update(from: part.value.data + n * size, count: size)
            }
            offset += layout.channels
        }
        let counts = layouts.map(\.channels)
        return record(out, op: "concat", inputs: parts) { g in
            var start = 0
            return counts.map { c in
                defer { start += c }
                return g.channelSlice(start, count: c)
            }
        }
    }

    /// Channels start..<start+count of an NCHW (or [N, C]) tensor.
    func channelSlice(_ start: Int, count: Int) -> Variable {
        let layout = ChannelLayout(shape)
        var outShape = shape
        outShape[1] = count
        let out = Tensor(uninitialized: outShape)
        for n in 0..<layout.batch {
            out.data.advanced(by: n * count * layout.plane).update(
                from: value.data + (n * layout.channels + start) * layout.plane, count: count * layout.plane)
        }
        let fullShape = shape
        return Variable.record(out, op: "channel_slice", inputs: [self]) { g in
            let parts = [
                Variable(Tensor(shape: Self.withChannels(fullShape, start))),
                g,
                Variable(Tensor(shape: Self.withChannels(fullShape, layout.channels - start - count))),
            ].filter { $0.shape[1] > 0 }
            return [Variable.concatenateChannels(parts)]
        }
    }

    private static func withChannels(_ shape: [Int], _ c: Int) -> [Int] {
        var s = shape
        s[1] = c
        return s
    }
}
