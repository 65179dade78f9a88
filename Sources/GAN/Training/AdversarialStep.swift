import NeuralNet
import Tensor

/// What one training iteration measured.
public struct StepRecord: Sendable {
    /// D's loss on the real batch plus on the detached fakes; G's loss on the fakes.
    public var lossD: Float, lossG: Float
    /// Mean D(x) on the real batch.
    public var dOfX: Float
    /// Mean D(G(z)) before the D step and after it (in the G step).
    public var dOfGzBefore: Float, dOfGzAfter: Float
    /// Per-image values behind the means, for parity checks.
    public var realScores: [Float], fakeScoresBefore: [Float], fakeScoresAfter: [Float]
    /// The generated batch.
    public var fakes: Tensor

    /// True when both losses are finite numbers.
    public var isFinite: Bool { lossD.isFinite && lossG.isFinite }
}

/// A generator, a discriminator and their Adam optimisers, trained by the reference
/// project's iteration (the PyTorch DCGAN tutorial's order):
/// 1. D on a real batch against label 1, backward;
/// 2. G makes a fake batch; D on the detached fakes against label 0, backward; D step;
/// 3. D on the fakes against label 1, backward into G; G step.
public final class AdversarialPair {
    public let generator: Generator
    public let discriminator: Discriminator
    public let optimizerG: Adam
    public let optimizerD: Adam
    /// Dropout masks of both networks come from this stream.
    public let dropoutSource: RandomSource

    /// Changes to the step (R1 penalty, label smoothing).
    public let procedure: ProcedureSpec

    /// `decayBatchNorm: false` exempts batch-norm scales and shifts from the weight decay.
    public init(spec: ModelSpec, procedure: ProcedureSpec = ProcedureSpec(), learningRate: Float,
                betas: (Float, Float), dropoutStream: RandomStream, decayBatchNorm: Bool = true) {
        self.procedure = procedure
        dropoutSource = RandomSource(dropoutStream)
        generator = Generator(spec, dropoutSource: dropoutSource)
        discriminator = Discriminator(spec, dropoutSource: dropoutSource)
        optimizerG = Adam(ParameterGroup.groups(
            of: generator, learningRate: learningRate, weightDecay: Float(spec.generator.weightDecay),
            decayBatchNorm: decayBatchNorm), betas: betas)
        optimizerD = Adam(ParameterGroup.groups(
            of: discriminator, learningRate: learningRate, weightDecay: Float(spec.discriminator.weightDecay),
            decayBatchNorm: decayBatchNorm), betas: betas)
    }

    /// Draws initial weights of G then D from `stream` by the spec's rule.
    public func initialize(stream: inout RandomStream) {
        generator.spec.initialization.apply(to: generator, stream: &stream)
        generator.spec.initialization.apply(to: discriminator, stream: &stream)
    }

    /// One iteration on a real batch [B, 1, S, S] and latent noise [B, nz, 1, 1].
    public func step(real: Tensor, noise: Tensor) -> StepRecord {
        let batch = real.shape[0]
        let ones = Tensor(shape: [batch], value: 1)
        let zeros = Tensor(shape: [batch], value: 0)
        let realTargets = Tensor(shape: [batch], value: Float(procedure.realLabel))

        optimizerD.zeroGrad()
        let realInput = Variable(real, requiresGrad: procedure.r1Gamma > 0)
        let realLogits = discriminator.logits(realInput)
        let lossReal = realLogits.binaryCrossEntropy(logitsAgainst: realTargets)
        if procedure.r1Gamma > 0 {
            (lossReal + r1Penalty(realLogits, realInput)).backward()
        } else {
            lossReal.backward()
        }

        let fake = generator(Variable(noise))
        let fakeLogits = discriminator.logits(Variable(fake.value))
        let lossFake = fakeLogits.binaryCrossEntropy(logitsAgainst: zeros)
        lossFake.backward()
        optimizerD.step()

        // D's parameters are frozen for the G pass: its gradient flows through D into G
        // without computing D's own weight gradients, which the next D step would discard.
        optimizerG.zeroGrad()
        setFrozen(discriminator, true)
        let scoredLogits = discriminator.logits(fake)
        let lossG = scoredLogits.binaryCrossEntropy(logitsAgainst: ones)
        lossG.backward()
        setFrozen(discriminator, false)
        optimizerG.step()

        let realScores = realLogits.value.values.map(Activation.sigmoid)
        let before = fakeLogits.value.values.map(Activation.sigmoid)
        let after = scoredLogits.value.values.map(Activation.sigmoid)
        return StepRecord(
            lossD: lossReal.scalar + lossFake.scalar, lossG: lossG.scalar,
            dOfX: mean(realScores), dOfGzBefore: mean(before), dOfGzAfter: mean(after),
            realScores: realScores, fakeScoresBefore: before, fakeScoresAfter: after, fakes: fake.value)
    }

    /// True when every weight and batch-norm statistic of both networks is finite.
    public var weightsAreFinite: Bool {
        [generator as Module, discriminator].allSatisfy { module in
            module.namedState().allSatisfy { entry in
                switch entry.entry {
                case .parameter(let p): return p.value.isFinite
                case .buffer(let t): return t.isFinite
                case .counter: return true
                }
            }
        }
    }

    /// γ/2 · mean over the batch of ‖∇ₓ Σ D(x)‖², differentiated through the gradient.
    private func r1Penalty(_ logits: Variable, _ input: Variable) -> Variable {
        let gradient = Autodiff.gradients(of: logits.sum(), withRespectTo: [input], createGraph: true)[0]!
        return gradient.squared().sum() * Float(procedure.r1Gamma / 2 / Double(input.shape[0]))
    }

    private func setFrozen(_ module: Module, _ frozen: Bool) {
        for p in module.parameters { p.requiresGrad = !frozen }
    }

    private func mean(_ values: [Float]) -> Float {
        values.reduce(0, +) / Float(max(values.count, 1))
    }
}
