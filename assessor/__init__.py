"""Assessor: how mature is a bank's social-media strategy, and what should it do next?"""
