// DSCReport: see the files of this module.
