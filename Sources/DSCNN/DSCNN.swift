// DSCNN: see the files of this module.
