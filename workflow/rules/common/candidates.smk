# Input functions and helpers of the candidates rule (workflow/rules/candidates.smk).


def candidate_source(name, key):
    """The enhancer or promoter BED of a candidate set: its download target or local file."""
    entry = CANDIDATES[name][key]
    return epidownload.source_target(entry["url"], f"candidates/{name}", key)


def candidate_spec(wildcards):
    """The registry entry of the candidate set's model."""
    return registry.spec(CANDIDATES[wildcards.name]["model"])


def candidate_inputs(wildcards):
    """The model files (one per fold), the two BED files, and the genome or the cell line's
    tracks when the model reads them."""
    name = wildcards.name
    entry = CANDIDATES[name]
    spec = candidate_spec(wildcards)
    if entry.get("train_group"):  # a pooled model (config train_groups)
        models = {
            input_key("model", SINGLE): group_model_path(entry["model"], entry["train_group"])
        }
    else:
        models = model_inputs(entry["model"], entry["protocol"], entry["cell_line"])
    out = {
        **models,
        "enhancers": candidate_source(name, "enhancers"),
        "promoters": candidate_source(name, "promoters"),
        "chrom_sizes": chrom_sizes(),
    }
    if spec.reads_sequence:
        out["fasta"] = genome_fasta()
        out["fai"] = genome_fasta() + ".fai"
    if spec.reads_signal:
        out["tracks"] = [path for _, path, _ in cell_track_specs(entry["cell_line"])]
    if spec.reads_pair_features:  # e2g: the cell line's elements, genes and Hi-C rows
        out["elements"] = list(expand(rules.abc_elements.output, cell=entry["cell_line"]))
    return out


def candidate_abc_params(wildcards):
    """``model_params.abc`` for a model that reads pair features (their contact settings)."""
    return abc_params(wildcards) if candidate_spec(wildcards).reads_pair_features else {}


def candidate_tracks(wildcards):
    """[(mark, path, kind)] the model reads, in training order (none for other models)."""
    if not candidate_spec(wildcards).reads_signal:
        return []
    return cell_track_specs(CANDIDATES[wildcards.name]["cell_line"])


def candidate_windows(wildcards):
    """The window sizes the model's inputs depend on (a rule's params: what changes its output)."""
    return element_windows(*candidate_spec(wildcards).window_keys)


def candidate_mem_mb(wildcards, attempt):
    """A chunk's windows and scores (bounded whatever the number of pairs), x attempt."""
    return 4000 * attempt
