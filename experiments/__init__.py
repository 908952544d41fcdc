"""depthlab.experiments"""
