import Foundation
import Formats
import GAN
import NeuralNet
import Tensor

/// Full DCGAN training iterations from given weights, batches and noise: losses, scores,
/// generated images and every final weight and batch-norm statistic.
enum TrainingChecks {
    static let all: [String: ParityRunner.Checker] = ["dcgan_train_steps": dcganSteps]

    static func dcganSteps(_ c: ReferenceCase) throws -> [String] {
        let decay = c.number("weight_decay") ?? 0
        let spec = ModelSpec(
            imageSize: Int(c.number("image_size") ?? 64), nz: Int(c.number("nz") ?? 100),
            ngf: Int(c.number("ngf") ?? 64), ndf: Int(c.number("ndf") ?? 64),
            generator: NetworkSpec(batchNorm: c.flag("batch_norm_g") ?? true, weightDecay: decay),
            discriminator: NetworkSpec(batchNorm: c.flag("batch_norm_d") ?? true, weightDecay: decay))
        let betas = (c.params["betas"] as? [Double]) ?? [0.5, 0.999]
        let pair = AdversarialPair(
            spec: spec, learningRate: Float(c.number("lr") ?? 2e-4),
            betas: (Float(betas[0]), Float(betas[1])), dropoutStream: RandomStream(seed: 0))
        try pair.generator.loadStateDict(state(c, network: "G", suffix: ".initial"))
        try pair.discriminator.loadStateDict(state(c, network: "D", suffix: ".initial"))

        var problems: [String?] = []
        var step = 1
        while c.has("step\(step).real") {
            let s = "step\(step)."
            let real = try OperatorChecks.variable(c, s + "real", grad: false).value
            let noise = try OperatorChecks.variable(c, s + "noise", grad: false).value
            let record = pair.step(real: real, noise: noise)
            problems += [
                try c.compare(s + "lossD", [record.lossD]),
                try c.compare(s + "lossG", [record.lossG]),
                try c.compare(s + "D_real", record.realScores),
                try c.compare(s + "D_fake", record.fakeScoresBefore),
                try c.compare(s + "D_fake_after_D_step", record.fakeScoresAfter),
                try c.compare(s + "fake", record.fakes.values),
            ]
            step += 1
        }
        let finalState = pair.generator.stateDict(prefix: "G.").merging(pair.discriminator.stateDict(prefix: "D.")) { a, _ in a }
        let adamBound = 2 * Double(step - 1) * (c.number("lr") ?? 2e-4) * 1.01
        for key in finalState.keys.sorted() {
            problems.append(try compareWeights(c, key + ".final", finalState[key]!.floats(), adamBound: adamBound))
        }
        return problems.compactMap { $0 }
    }

    /// Final weights agree within the case's tolerance, except that a few elements (at most
    /// 0.1% of a tensor) may differ by up to Adam's bound of 2·steps·lr. Adam moves every
    /// weight by about lr per step whatever its gradient's size, so a weight whose gradient
    /// is at float rounding level takes a step whose sign is decided by rounding: PyTorch and
    /// any other float32 engine can land lr apart on it, and it feeds the next step.
    static func compareWeights(_ c: ReferenceCase, _ key: String, _ observed: [Float], adamBound: Double) throws -> String? {
        guard let strict = try c.compare(key, observed) else { return nil }
        let expected = try c.tensor(key).floats()
        let tolerance = (c.tolerance["abs"] ?? 2e-4, c.tolerance["rel"] ?? 0)
        let off = zip(expected, observed).map { (Double($0), Double($1)) }.filter { e, o in
            !(abs(o - e) <= tolerance.0 + tolerance.1 * abs(e))
        }
        let withinAdam = off.allSatisfy { e, o in abs(o - e) <= adamBound }
        return withinAdam && off.count * 1000 <= expected.count ? nil : strict
    }

    /// The `NET.<key>SUFFIX` tensors of a case as a state dict with plain keys.
    static func state(_ c: ReferenceCase, network: String, suffix: String) throws -> [String: StoredTensor] {
        var result: [String: StoredTensor] = [:]
        for name in c.tensorNames where name.hasPrefix(network + ".") && name.hasSuffix(suffix) {
            result[String(name.dropFirst(network.count + 1).dropLast(suffix.count))] = try c.tensor(name)
        }
        return result
    }
}
