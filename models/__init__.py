"""depthlab.models"""
