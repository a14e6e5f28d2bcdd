"""Measurements that anyone can run; not tests."""
