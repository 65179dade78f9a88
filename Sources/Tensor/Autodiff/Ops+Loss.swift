import Foundation

/// Losses, averaged over all elements or samples.
extension Variable {
    /// PyTorch `BCELoss(sigmoid(logits), target)`, computed from logits.
    ///
    /// Where the float32 sigmoid is not saturated, the loss is the stable logits form
    /// max(z, 0) − z·t + log(1 + e^−|z|). Where it rounds to exactly 0 or 1, PyTorch's BCELoss
    /// takes log(0) and clamps it at −100; that is reproduced so values agree with models
    /// that end in `nn.Sigmoid`. The gradient, σ(z) − t per element, is PyTorch's too.
    /// First-order gradients.
    public func binaryCrossEntropy(logitsAgainst target: Tensor) -> Variable {
        precondition(target.count == value.count, "BCE: \(value.count) logits for \(target.count) targets")
        var total = 0.0
        let z = value.data, t = target.data
        for i in 0..<value.count {
            total += Double(Loss.binaryCrossEntropy(logit: z[i], target: t[i]))
        }
        let n = Float(value.count)
        let out = Tensor(shape: [], value: Float(total / Double(value.count)))
        let logits = value
        return Variable.record(out, op: "bce_with_logits", inputs: [self]) { g in
            GradMode.requireFirstOrder("binaryCrossEntropy")
            let scale = g.value.data[0] / n
            let dz = Tensor(uninitialized: logits.shape)
            for i in 0..<logits.count {
                let p = Activation.sigmoid(logits.data[i])
                // BCELoss's gradient vanishes where the probability saturates exactly.
                dz.data[i] = (p == 0 || p == 1) ? 0 : (p - t[i]) * scale
            }
            return [Variable(dz)]
        }
    }

    /// Cross-entropy of logits [N, classes] against integer class labels, averaged.
    public func crossEntropy(labels: [Int]) -> Variable {
        precondition(shape.count == 2 && shape[0] == labels.count, "crossEntropy: logits \(shape), \(labels.count) labels")
        let classes = shape[1]
        let probabilities = Tensor(uninitialized: shape)
        var total = 0.0
        for n in 0..<shape[0] {
            let row = value.data + n * classes
            var peak = -Float.infinity
            for k in 0..<classes { peak = max(peak, row[k]) }
            var sum = 0.0
            for k in 0..<classes { sum += Double(exp(row[k] - peak)) }
            for k in 0..<classes { probabilities.data[n * classes + k] = Float(Double(exp(row[k] - peak)) / sum) }
            total += log(sum) + Double(peak) - Double(row[labels[n]])
        }
        let out = Tensor(shape: [], value: Float(total / Double(shape[0])))
        let batch = shape[0]
        return Variable.record(out, op: "cross_entropy", inputs: [self]) { g in
            GradMode.requireFirstOrder("crossEntropy")
            let scale = g.value.data[0] / Float(batch)
            let dz = probabilities.copy()
            for n in 0..<batch { dz.data[n * classes + labels[n]] -= 1 }
            for i in 0..<dz.count { dz.data[i] *= scale }
            return [Variable(dz)]
        }
    }
}

/// Scalar loss terms.
public enum Loss {
    /// One element of PyTorch's BCELoss applied to sigmoid(logit), with its log clamp.
    @inline(__always)
    public static func binaryCrossEntropy(logit z: Float, target t: Float) -> Float {
        let p = Activation.sigmoid(z)
        if p == 0 || p == 1 {
            let logP = p > 0 ? 0 : -100 as Float
            let logQ = p < 1 ? 0 : -100 as Float
            return -(t * logP + (1 - t) * logQ)
        }
        return max(z, 0) - z * t + log1p(exp(-abs(z)))
    }
}
