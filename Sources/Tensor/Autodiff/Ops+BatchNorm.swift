/// Batch normalisation over dimension 1 of [N, C, ...] (PyTorch `F.batch_norm`).
extension Variable {
    /// Normalises each channel by the batch statistics (training) or the running ones
    /// (evaluation), then scales by `gamma` and shifts by `beta`.
    ///
    /// In training the running statistics are updated in place with `momentum`, the
    /// variance unbiased (n / (n − 1)) as PyTorch does. First-order gradients only.
    public func batchNorm(
        gamma: Variable?, beta: Variable?, runningMean: Tensor?, runningVar: Tensor?,
        training: Bool, momentum: Float = 0.1, eps: Float = 1e-5
    ) -> Variable {
        let layout = ChannelLayout(shape)
        let perChannel = layout.batch * layout.plane
        precondition(training || (runningMean != nil && runningVar != nil),
                     "batchNorm: evaluation needs running statistics")
        precondition(!training || perChannel > 1,
                     "batchNorm: training needs more than one value per channel, got input \(shape)")
        let mean = Tensor(shape: [layout.channels])
        let invStd = Tensor(shape: [layout.channels])
        let out = Tensor(uninitialized: shape)
        let input = value, x = input.data
        // Raw pointers hoisted out of the loops so they vectorise (class properties would be
        // reloaded on every element).
        let o = out.data, meanOut = mean.data, invOut = invStd.data

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
                for n in 0..<layout.batch {
                    let base = (n * layout.channels + c) * layout.plane
                    for i in base..<(base + layout.plane) { o[i] = x[i] * alpha + folded }
                }
            }
        }

        var inputs = [self]
        if let gamma { inputs.append(gamma) }
        if let beta { inputs.append(beta) }
        return Variable.record(out, op: "batch_norm", inputs: inputs) { g in
            GradMode.requireFirstOrder("batchNorm")
            let grads = BatchNormKernels.backward(
                g.value, input: input, mean: mean, invStd: invStd, gamma: gamma?.value, layout: layout,
                training: training)
            var result: [Variable?] = [Variable(grads.input)]
            if gamma != nil { result.append(Variable(grads.gamma)) }
            if beta != nil { result.append(Variable(grads.beta)) }
            return result
        }
    }
}

enum BatchNormKernels {
    /// Mean and biased variance of one channel.
    static func moments(_ x: UnsafePointer<Float>, _ layout: ChannelLayout, channel c: Int) -> (Double, Double) {
        // Float sums within a plane (vectorisable), double across planes.
        var sum = 0.0
        for n in 0..<layout.batch {
            let base = x + (n * layout.channels + c) * layout.plane
            var partial: Float = 0
            for i in 0..<layout.plane { partial += base[i] }
            sum += Double(partial)
        }
        let count = Double(layout.batch * layout.plane)
        let mean = sum / count
        let m = Float(mean)
        var squares = 0.0
        for n in 0..<layout.batch {
            let base = x + (n * layout.channels + c) * layout.plane
            var partial: Float = 0
            for i in 0..<layout.plane {
                let d = base[i] - m
                partial += d * d
            }
            squares += Double(partial)
        }
        return (mean, squares / count)
    }

    /// dx = γ·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)) in training (batch statistics depend on x);
    /// dx = γ·σ⁻¹·g in evaluation. dγ = Σ g·x̂, dβ = Σ g. x̂ = (x − μ)·σ⁻¹ is recomputed from
    /// the input rather than stored by the forward pass: one write and one tensor less.
    static func backward(
        _ g: Tensor, input: Tensor, mean: Tensor, invStd: Tensor, gamma: Tensor?,
        layout: ChannelLayout, training: Bool
    ) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let dx = Tensor(uninitialized: g.shape)
        let dgamma = Tensor(shape: [layout.channels])
        let dbeta = Tensor(shape: [layout.channels])
        let count = Float(layout.batch * layout.plane)
        let gd = g.data, x = input.data, dxd = dx.data
        Engine.parallelFor(layout.channels) { channels in
            for c in channels {
                let m = mean.data[c], inv = invStd.data[c]
                var sumG = 0.0, sumGX = 0.0
                for n in 0..<layout.batch {
                    let base = (n * layout.channels + c) * layout.plane
                    var partialG: Float = 0, partialGX: Float = 0
                    for i in base..<(base + layout.plane) {
                        partialG += gd[i]
                        partialGX += gd[i] * ((x[i] - m) * inv)
                    }
                    // Float within one plane, double across planes: accurate and vectorisable.
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
                        dxd[i] = k * (gd[i] - meanG - (x[i] - m) * inv * meanGX)
                    }
                }
            }
        }
        return (dx, dgamma, dbeta)
    }
}
