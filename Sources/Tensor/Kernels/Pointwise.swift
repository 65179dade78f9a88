/// Element-wise loops over whole tensors, split across threads for large ones.
enum Pointwise {
    /// Elements per thread chunk below which threading costs more than it saves.
    static let grain = 1 << 15

    @inline(__always)
    static func map(_ a: Tensor, _ f: (Float) -> Float) -> Tensor {
        let out = Tensor(uninitialized: a.shape)
        let src = a.data, dst = out.data
        Engine.parallelFor(a.count, grain: grain) { r in
            for i in r { dst[i] = f(src[i]) }
        }
        return out
    }

    /// tanh of every element (`VectorTanh`).
    static func tanh(_ a: Tensor) -> Tensor {
        let out = Tensor(uninitialized: a.shape)
        let src = a.data, dst = out.data
        Engine.parallelFor(a.count, grain: grain) { r in
            VectorTanh.apply(src + r.lowerBound, dst + r.lowerBound, count: r.count)
        }
        return out
    }

    /// Element-wise a ∘ b for the arithmetic operators, with the operator fixed at compile
    /// time: a closure handed through the thread pool is not inlined, and an indirect call
    /// per element costs more than the arithmetic.
    enum Operator { case add, subtract, multiply }

    static func apply(_ op: Operator, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "element-wise op on shapes \(a.shape) and \(b.shape)")
        let out = Tensor(uninitialized: a.shape)
        let x = a.data, y = b.data, dst = out.data
        Engine.parallelFor(a.count, grain: grain) { r in
            switch op {
            case .add: for i in r { dst[i] = x[i] + y[i] }
            case .subtract: for i in r { dst[i] = x[i] - y[i] }
            case .multiply: for i in r { dst[i] = x[i] * y[i] }
            }
        }
        return out
    }

    /// v = v > 0 ? v : v · slope in place, on the calling thread (the leaky ReLU's values).
    @inline(__always)
    static func rectify(_ v: UnsafeMutablePointer<Float>, count: Int, slope: Float) {
        for i in 0..<count {
            let value = v[i]
            v[i] = value > 0 ? value : value * slope
        }
    }

    /// total += addend, element-wise, in place.
    static func accumulate(_ addend: Tensor, into total: Tensor) {
        precondition(addend.shape == total.shape, "accumulate \(addend.shape) into \(total.shape)")
        let src = addend.data, dst = total.data
        Engine.parallelFor(total.count, grain: grain) { r in
            for i in r { dst[i] += src[i] }
        }
    }

    /// g · (x > 0 ? 1 : slope): leaky ReLU's forward (g = x) and its gradient.
    static func leakyScale(_ g: Tensor, by x: Tensor, slope: Float) -> Tensor {
        precondition(g.shape == x.shape, "leaky scale of \(g.shape) by \(x.shape)")
        let out = Tensor(uninitialized: g.shape)
        let gd = g.data, xd = x.data, dst = out.data
        Engine.parallelFor(g.count, grain: grain) { r in
            for i in r { dst[i] = xd[i] > 0 ? gd[i] : gd[i] * slope }
        }
        return out
    }
}

