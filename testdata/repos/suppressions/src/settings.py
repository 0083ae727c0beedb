# redflag: ignore-file[debug-mode-enabled] settings for the on-premise demo appliance, which has no users
DEBUG = True
