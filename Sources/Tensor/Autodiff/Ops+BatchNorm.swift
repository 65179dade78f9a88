/// Batch normalisation over dimension 1 of [N, C, ...] (PyTorch `F.batch_norm`).
extension Variable {
    /// Normalises each channel by the batch statistics (training) or the running ones
    /// (evaluation), then scales by `gamma` and shifts by `beta`.
    ///
    /// In training the running statistics are updated in place with `momentum`, the
    /// variance unbiased (n / (n − 1)) as PyTorch does. First-order gradients only.
    ///
    /// With `rectifierSlope`, the result goes on through a leaky ReLU with that slope (0 for a
    /// ReLU) in the same pass: the values and gradients are those of `.leakyRelu(slope:)` on
    /// the normalised output, without writing that output and reading it back, or storing
    /// the gradient in between.
    public func batchNorm(
        gamma: Variable?, beta: Variable?, runningMean: Tensor?, runningVar: Tensor?,
        training: Bool, momentum: Float = 0.1, eps: Float = 1e-5, rectifierSlope: Float? = nil
    ) -> Variable {
        let layout = ChannelLayout(shape)
        let perChannel = layout.batch * layout.plane
        precondition(training || (runningMean != nil && runningVar != nil),
                     "batchNorm: evaluation needs running statistics")
        precondition(!training || perChannel > 1,
                     "batchNorm: training needs more than one value per channel, got input \(shape)")
        let mean = Tensor(shape: [layout.channels])
        let invStd = Tensor(shape: [layout.channels])
        // The folded affine map of each channel, kept for the rectifier's backward pass.
        let affine = BatchNormKernels.Affine(channels: layout.channels)
        let out = Tensor(uninitialized: shape)
        let input = value, x = input.data
        // Raw pointers hoisted out of the loops so they vectorise (class properties would be
        // reloaded on every element).
        let o = out.data, meanOut = mean.data, invOut = invStd.data
        let alphaOut = affine.alpha.data, foldedOut = affine.folded.data

        Engine.parallelFor(layout.channels) { channels in
            for c in channels {
                var m: Double, variance: Double
                if training {
                    (m, variance) = BatchNormKernels.moments(x, layout, channel: c)
                    if let runningMean, let runningVar {
                        let unbiased = variance * Double(perChannel) / Double(perChannel - 1)
                        runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * Float(m)
                        runningVar.data[c] = (1 - momentum) * runningVar.data[c] + momentum * Float(unbiased)
                    }
                } else {
                    m = Double(runningMean!.data[c])
                    variance = Double(runningVar!.data[c])
                }
                let inv = Float(1 / (variance + Double(eps)).squareRoot())
                let scale = gamma.map { $0.value.data[c] } ?? 1
                let shift = beta.map { $0.value.data[c] } ?? 0
                meanOut[c] = Float(m)
                invOut[c] = inv
                // PyTorch's CPU kernel folds the affine step into y = x·α + β' with
                // α = σ⁻¹γ and β' = β − μα. A constant channel then gives rounding noise
                // rather than exact zeros, and the sign of that noise decides a following
                // ReLU's mask, so the same folding is used here.
                let fm = Float(m)
                let alpha = inv * scale
                let folded = shift - fm * alpha
                alphaOut[c] = alpha
                foldedOut[c] = folded
                for n in 0..<layout.batch {
                    let base = (n * layout.channels + c) * layout.plane
                    if let slope = rectifierSlope {
                        for i in base..<(base + layout.plane) {
                            let y = x[i] * alpha + folded
                            o[i] = y > 0 ? y : y * slope
                        }
                    } else {
                        for i in base..<(base + layout.plane) { o[i] = x[i] * alpha + folded }
                    }
                }
            }
        }

        var inputs = [self]
        if let gamma { inputs.append(gamma) }
        if let beta { inputs.append(beta) }
        let rectifier = rectifierSlope.map { (affine, $0) }
        return Variable.record(out, op: rectifierSlope == nil ? "batch_norm" : "batch_norm_rectifier",
                               inputs: inputs) { g in
            GradMode.requireFirstOrder("batchNorm")
            let grads = BatchNormKernels.backward(
                g.value, input: input, mean: mean, invStd: invStd, gamma: gamma?.value, layout: layout,
                training: training, rectifier: rectifier)
            var result: [Variable?] = [Variable(grads.input)]
            if gamma != nil { result.append(Variable(grads.gamma)) }
            if beta != nil { result.append(Variable(grads.beta)) }
            return result
        }
    }
}

enum BatchNormKernels {
    /// y = x·alpha + folded per channel: the normalisation and affine step as one map.
    struct Affine {
        let alpha: Tensor, folded: Tensor
        init(channels: Int) {
            alpha = Tensor(uninitialized: [channels])
            folded = Tensor(uninitialized: [channels])
        }
    }

    /// Mean and biased variance of one channel.
    static func moments(_ x: UnsafePointer<Float>, _ layout: ChannelLayout, channel c: Int) -> (Double, Double) {
        // Float sums within a plane, in 16 lanes (see `lanes`), double across planes.
        var sum = 0.0
        for n in 0..<layout.batch {
            let base = x + (n * layout.channels + c) * layout.plane
            var partial = SIMD16<Float>()
            let tail = lanes(layout.plane) { i in partial += load(base, i) }
            var total = partial.sum()
            for i in tail { total += base[i] }
            sum += Double(total)
        }
        let count = Double(layout.batch * layout.plane)
        let mean = sum / count
        let m = Float(mean)
        var squares = 0.0
        for n in 0..<layout.batch {
            let base = x + (n * layout.channels + c) * layout.plane
            var partial = SIMD16<Float>()
            let tail = lanes(layout.plane) { i in
                let d = load(base, i) - m
                partial += d * d
            }
            var total = partial.sum()
            for i in tail {
                let d = base[i] - m
                total += d * d
            }
            squares += Double(total)
        }
        return (mean, squares / count)
    }

    /// Calls `body(i)` for i = 0, 16, 32, ... while 16 elements remain of `count`, and returns
    /// the leftover indices. Sums are kept in 16 lanes this way because the compiler does not
    /// reorder a float sum by itself: a plain loop adds one element at a time.
    @inline(__always)
    static func lanes(_ count: Int, _ body: (Int) -> Void) -> Range<Int> {
        var i = 0
        while i + 16 <= count {
            body(i)
            i += 16
        }
        return i..<count
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// dx = γ·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)) in training (batch statistics depend on x);
    /// dx = γ·σ⁻¹·g in evaluation. dγ = Σ g·x̂, dβ = Σ g. x̂ = (x − μ)·σ⁻¹ is recomputed from
    /// the input rather than stored by the forward pass: one write and one tensor less.
    ///
    /// With `rectifier`, `upstream` is the gradient of a leaky ReLU applied to the output, and
    /// g is taken as upstream·(y > 0 ? 1 : slope) with y = x·alpha + folded recomputed, the same
    /// values the separate leaky ReLU's backward pass would have stored and read back.
    static func backward(
        _ upstream: Tensor, input: Tensor, mean: Tensor, invStd: Tensor, gamma: Tensor?,
        layout: ChannelLayout, training: Bool, rectifier: (affine: Affine, slope: Float)? = nil
    ) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let dx = Tensor(uninitialized: upstream.shape)
        let dgamma = Tensor(shape: [layout.channels])
        let dbeta = Tensor(shape: [layout.channels])
        let count = Float(layout.batch * layout.plane)
        let ud = upstream.data, x = input.data, dxd = dx.data
        let slope = rectifier?.slope ?? 1
        let alphas = rectifier?.affine.alpha.data, foldeds = rectifier?.affine.folded.data
        Engine.parallelFor(layout.channels) { channels in
            for c in channels {
                let m = mean.data[c], inv = invStd.data[c]
                // Without a rectifier, alpha 0 and folded 1 make y = 1 > 0: g = upstream.
                let alpha = alphas?[c] ?? 0, folded = foldeds?[c] ?? 1
                var sumG = 0.0, sumGX = 0.0
                for n in 0..<layout.batch {
                    let base = (n * layout.channels + c) * layout.plane
                    let xb = x + base, ub = ud + base
                    // Float lanes within one plane, double across planes.
                    var lanesG = SIMD16<Float>(), lanesGX = SIMD16<Float>()
                    let tail = lanes(layout.plane) { i in
                        let xv = load(xb, i), uv = load(ub, i)
                        let y = xv * alpha + folded
                        let g = (uv * slope).replacing(with: uv, where: y .> 0)
                        lanesG += g
                        lanesGX += g * ((xv - m) * inv)
                    }
                    var partialG = lanesG.sum(), partialGX = lanesGX.sum()
                    for i in tail {
                        let y = xb[i] * alpha + folded
                        let g = y > 0 ? ub[i] : ub[i] * slope
                        partialG += g
                        partialGX += g * ((xb[i] - m) * inv)
                    }
                    sumG += Double(partialG)
                    sumGX += Double(partialGX)
                }
                dgamma.data[c] = Float(sumGX)
                dbeta.data[c] = Float(sumG)
                let k = (gamma?.data[c] ?? 1) * invStd.data[c]
                let meanG = training ? Float(sumG) / count : 0
                let meanGX = training ? Float(sumGX) / count : 0
                for n in 0..<layout.batch {
                    let base = (n * layout.channels + c) * layout.plane
                    for i in base..<(base + layout.plane) {
                        let y = x[i] * alpha + folded
                        let g = y > 0 ? ud[i] : ud[i] * slope
                        dxd[i] = k * (g - meanG - (x[i] - m) * inv * meanGX)
                    }
                }
            }
        }
        return (dx, dgamma, dbeta)
    }
}
