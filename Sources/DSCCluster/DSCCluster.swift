// DSCCluster: see the files of this module.
