dsc train datasets/mnist-database.h5 --features-dataset images -o model-db.h5 --seed 0   # started Tue Dec  8 01:05:38 UTC 2026
