// DSCMetrics: see the files of this module.
