# Input functions and helpers of the download rules (workflow/rules/download.smk).


def download_source(wildcards):
    return DOWNLOADS[wildcards.path]
