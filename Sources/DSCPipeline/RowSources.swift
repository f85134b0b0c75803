import DSCCluster
import DSCIO

/// An HDF5 dataset read in row blocks (hyperslabs) feeds the streaming stages directly.
extension HDF5RowSource: RowBlockSource {}
