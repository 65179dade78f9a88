/// Reductions to a scalar or per channel (dimension 1 of NCHW or of [N, features]).
extension Variable {
    /// Sum of all elements, as a one-element tensor of shape [].
    public func sum() -> Variable {
        var total = 0.0
        let d = value.data
        for i in 0..<value.count { total += Double(d[i]) }
        let shape = self.shape
        return Variable.record(Tensor(shape: [], value: Float(total)), op: "sum", inputs: [self]) { g in
            [g.broadcast(to: shape)]
        }
    }

    /// Mean of all elements.
    public func mean() -> Variable { sum() * (1 / Float(max(value.count, 1))) }

    /// Repeats a one-element tensor to `shape`.
    func broadcast(to shape: [Int]) -> Variable {
        precondition(value.count == 1, "broadcast of shape \(self.shape)")
        let out = Tensor(shape: shape, value: value.data[0])
        return Variable.record(out, op: "broadcast", inputs: [self]) { g in [g.sum()] }
    }

    /// Sums over every dimension but 1: [N, C, ...] -> [C].
    public func sumPerChannel() -> Variable {
        let layout = ChannelLayout(shape)
        let out = Tensor(shape: [layout.channels])
        let src = value.data
        for c in 0..<layout.channels {
            var total = 0.0
            for n in 0..<layout.batch {
                let base = src + (n * layout.channels + c) * layout.plane
                for i in 0..<layout.plane { total += Double(base[i]) }
            }
            out.data[c] = Float(total)
        }
        let shape = self.shape
        return Variable.record(out, op: "sum_per_channel", inputs: [self]) { g in
            [g.broadcastPerChannel(to: shape)]
        }
    }

    /// Adds a per-channel vector [C] to every position of [N, C, ...] (biases).
    public func addingPerChannel(_ bias: Variable) -> Variable {
        let layout = ChannelLayout(shape)
        precondition(bias.shape == [layout.channels], "bias \(bias.shape) for input \(shape)")
        let out = Tensor(uninitialized: shape)
        let src = value.data, dst = out.data, b = bias.value.data
        Engine.parallelFor(layout.batch * layout.channels, grain: max(1, Pointwise.grain / max(layout.plane, 1))) { r in
            for nc in r {
                let v = b[nc % layout.channels]
                let base = nc * layout.plane
                for i in 0..<layout.plane { dst[base + i] = src[base + i] + v }
            }
        }
        return Variable.record(out, op: "add_bias", inputs: [self, bias]) { g in [g, g.sumPerChannel()] }
    }

    /// Repeats a per-channel vector [C] over `shape` [N, C, ...].
    func broadcastPerChannel(to shape: [Int]) -> Variable {
        Variable(Tensor(shape: shape)).addingPerChannel(self)
    }
}

/// A tensor seen as [batch, channels, plane], channels being dimension 1.
struct ChannelLayout {
    let batch: Int, channels: Int, plane: Int

    init(_ shape: [Int]) {
        precondition(shape.count >= 2, "per-channel op needs at least 2 dimensions, got \(shape)")
        batch = shape[0]
        channels = shape[1]
        plane = shape.dropFirst(2).reduce(1, *)
    }
}
