"""The home page (工作台): is everything all right in the caller's organisations?"""
