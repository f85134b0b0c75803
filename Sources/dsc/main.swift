print("dsc: under construction")
