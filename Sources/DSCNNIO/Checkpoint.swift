import DSCIO
import DSCNN
import DSCTensor
import Foundation

/// Saving and loading a model's parameters and buffers, and optionally an optimizer's state, as
/// one HDF5 file (written atomically: a temporary file renamed into place).
///
/// Layout (every tensor float32 with its own shape, a scalar as an HDF5 scalar):
///
///     /model/<dotted name>              each parameter and buffer, e.g. model/stages.1.0.conv1.weight
///     /optimizer/<slot>/<dotted name>   optimizer state, e.g. optimizer/m/head.bias (when saved)
///     attributes on /:          format = "DeepSubspace checkpoint 1", configuration (string),
///                               step, epoch (integers)
///     attributes on /optimizer: type ("AdamW"), summary (hyperparameters, informational), step
///
/// Dotted names are kept as dataset names under one group (dots are legal in HDF5 names), so a
/// checkpoint reads back with h5py as `f["model"]["head.weight"]`, PyTorch `state_dict` style.
///
/// Loading is strict and all-or-nothing: every tensor of the model must be in the file with the
/// same shape and the file must hold nothing else under `model/`; the first problem throws a
/// ``CheckpointError`` whose message is one line naming the file and the tensor, and nothing is
/// written into the model or optimizer unless everything checks out.
public enum Checkpoint {
    /// The value of the `format` attribute.
    public static let format = "DeepSubspace checkpoint 1"

    /// Writes `model` (and `optimizer`'s state, if given) to `path`, replacing any file there.
    ///
    /// - Throws: `HDF5Error` when the file cannot be written (the destination is then untouched).
    /// - Precondition: the model's parameter and buffer names are unique.
    public static func save(
        _ model: Module, optimizer: Optimizer? = nil, to path: String,
        configuration: String = "", step: Int = 0, epoch: Int = 0
    ) throws {
        let tensors = model.namedParameters() + model.namedBuffers()
        let names = tensors.map(\.0)
        precondition(Set(names).count == names.count, "Checkpoint.save: duplicate tensor names in \(names)")
        try HDF5Writer.writeFile(path) { out in
            try out.setAttribute("format", format)
            try out.setAttribute("configuration", configuration)
            try out.setAttribute("step", step)
            try out.setAttribute("epoch", epoch)
            try out.createGroup("model")
            for (name, tensor) in tensors {
                try out.write(tensor.data, shape: tensor.shape, to: "model/\(name)")
            }
            guard let optimizer else { return }
            try out.createGroup("optimizer")
            try out.setAttribute("type", optimizerType(optimizer), on: "optimizer")
            try out.setAttribute("summary", optimizer.summary, on: "optimizer")
            try out.setAttribute("step", optimizer.stepCount, on: "optimizer")
            for (name, state) in optimizer.state.sorted(by: { $0.key < $1.key }) {
                for (slot, values) in state.slots.sorted(by: { $0.key < $1.key }) {
                    try out.write(values, shape: [values.count], to: "optimizer/\(slot)/\(name)")
                }
            }
        }
    }

    /// Reads `path` into `model` (and `optimizer`, if given) and returns the file's attributes.
    ///
    /// - Throws: ``CheckpointError`` for a file that is not a checkpoint, a missing, extra or
    ///   differently shaped tensor, or missing optimizer state; `HDF5Error` for an unreadable file.
    @discardableResult
    public static func load(_ path: String, into model: Module, optimizer: Optimizer? = nil) throws -> CheckpointInfo {
        let file = try HDF5Reader(path: path)
        let info = try readInfo(file)
        let stored = Set(file.datasetNames.filter { $0.hasPrefix("model/") }.map { String($0.dropFirst(6)) })
        var values: [(Tensor, [Float])] = []
        let tensors = model.namedParameters() + model.namedBuffers()
        for (name, tensor) in tensors {
            guard stored.contains(name) else {
                throw CheckpointError.missing(file: path, name: name, expected: tensor.shape)
            }
            let (shape, data) = try file.readArray("model/\(name)")
            guard shape == tensor.shape else {
                throw CheckpointError.shapeMismatch(file: path, name: name, stored: shape, expected: tensor.shape)
            }
            values.append((tensor, data))
        }
        if let extra = stored.subtracting(tensors.map(\.0)).sorted().first {
            throw CheckpointError.unexpected(file: path, name: extra)
        }
        let restore = try optimizer.map { try readOptimizerState(file, for: $0) }
        for (tensor, data) in values { tensor.data = data }
        if let optimizer, let (step, state) = restore {
            optimizer.restore(stepCount: step, state: state)
        }
        return info
    }

    /// The attributes of checkpoint `path`, without loading any tensor.
    ///
    /// - Throws: ``CheckpointError/notACheckpoint(file:)``, `HDF5Error`.
    public static func info(_ path: String) throws -> CheckpointInfo {
        try readInfo(HDF5Reader(path: path))
    }

    // MARK: Private

    static func optimizerType(_ optimizer: Optimizer) -> String { String(describing: type(of: optimizer)) }

    private static func readInfo(_ file: HDF5Reader) throws -> CheckpointInfo {
        guard (try? file.stringAttribute("format")) == format else {
            throw CheckpointError.notACheckpoint(file: file.path)
        }
        return CheckpointInfo(
            configuration: (try? file.stringAttribute("configuration")) ?? "",
            step: (try? file.attribute("step").intValue) ?? 0,
            epoch: (try? file.attribute("epoch").intValue) ?? 0)
    }

    /// Checks and reads the optimizer state stored in `file` for `optimizer`.
    private static func readOptimizerState(
        _ file: HDF5Reader, for optimizer: Optimizer
    ) throws
        -> (step: Int, state: [String: ParameterState])
    {
        let path = file.path
        let expectedType = optimizerType(optimizer)
        guard let type = try? file.stringAttribute("type", of: "optimizer") else {
            throw CheckpointError.noOptimizerState(file: path)
        }
        guard type == expectedType else {
            throw CheckpointError.optimizerMismatch(file: path, stored: type, expected: expectedType)
        }
        let step = (try? file.attribute("step", of: "optimizer").intValue) ?? 0
        var found: [String: [String: [Float]]] = [:]
        for dataset in file.datasetNames where dataset.hasPrefix("optimizer/") {
            let rest = dataset.dropFirst("optimizer/".count)
            guard let slash = rest.firstIndex(of: "/") else { continue }
            let slot = String(rest[..<slash])
            let name = String(rest[rest.index(after: slash)...])
            guard optimizer.slotNames.contains(slot) else {
                throw CheckpointError.unexpected(file: path, name: dataset)
            }
            found[name, default: [:]][slot] = try file.readArray(dataset).values
        }
        var state: [String: ParameterState] = [:]
        for (name, slots) in found {
            let count = slots.values.first!.count
            let parameterState = ParameterState(names: optimizer.slotNames, count: count)
            for slot in optimizer.slotNames {
                guard let values = slots[slot] else {
                    throw CheckpointError.missing(file: path, name: "optimizer/\(slot)/\(name)", expected: [count])
                }
                guard values.count == count else {
                    throw CheckpointError.shapeMismatch(
                        file: path, name: "optimizer/\(slot)/\(name)",
                        stored: [values.count], expected: [count])
                }
                parameterState.set(slot, values)
            }
            state[name] = parameterState
        }
        return (step, state)
    }
}

/// The attributes of a checkpoint file.
public struct CheckpointInfo: Equatable, Sendable {
    /// The configuration string given to ``Checkpoint/save(_:optimizer:to:configuration:step:epoch:)``.
    public let configuration: String
    public let step: Int
    public let epoch: Int

    public init(configuration: String = "", step: Int = 0, epoch: Int = 0) {
        self.configuration = configuration
        self.step = step
        self.epoch = epoch
    }
}

/// Why a checkpoint could not be loaded; each message is one line naming the file:
///
///     model.h5: "stages.0.0.conv1.weight" has shape [32, 1, 3, 3], the model expects [64, 1, 3, 3]
public enum CheckpointError: Error, LocalizedError, Equatable, Sendable {
    /// The model (or optimizer) has a tensor that the file lacks.
    case missing(file: String, name: String, expected: [Int])
    /// The file's tensor has another shape than the model's.
    case shapeMismatch(file: String, name: String, stored: [Int], expected: [Int])
    /// The file has a tensor that the model does not.
    case unexpected(file: String, name: String)
    /// The file has no `format` attribute saying it is a DeepSubspace checkpoint.
    case notACheckpoint(file: String)
    /// An optimizer was given but the file holds no optimizer state.
    case noOptimizerState(file: String)
    /// The file's optimizer state is for another optimizer type.
    case optimizerMismatch(file: String, stored: String, expected: String)

    public var errorDescription: String? {
        switch self {
        case .missing(let file, let name, let expected):
            return "\(file): \"\(name)\" is missing (the model expects shape \(shapeText(expected)))"
        case .shapeMismatch(let file, let name, let stored, let expected):
            return "\(file): \"\(name)\" has shape \(shapeText(stored)), the model expects \(shapeText(expected))"
        case .unexpected(let file, let name):
            return "\(file): \"\(name)\" is in the file but not in the model"
        case .notACheckpoint(let file):
            return "\(file): not a DeepSubspace checkpoint (no format attribute \"\(Checkpoint.format)\")"
        case .noOptimizerState(let file):
            return "\(file): holds no optimizer state (saved without an optimizer)"
        case .optimizerMismatch(let file, let stored, let expected):
            return "\(file): optimizer state is for \(stored), not \(expected)"
        }
    }
}

/// `[32, 1, 3, 3]`.
private func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
