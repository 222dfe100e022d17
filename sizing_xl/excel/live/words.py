"""The live Model sheet's labels and messages, per language (data beside model_sheet.py)."""

from __future__ import annotations

from sizing_xl.i18n import Lang

LIVE_WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "title": "Modelo vivo — fórmulas nativas",
        "hint": "Altere as células amarelas: os três cenários recalculam no Excel ou no "
        "LibreOffice, sem macros. As demais células são fórmulas (planilha protegida sem senha).",
        "inputs": "ENTRADAS",
        "check": "Verificação das entradas",
        "arch": "ARQUITETURA E SERVIDOR (lidos das planilhas de catálogo)",
        "scenarios": "CENÁRIOS",
        "model": "Modelo",
        "server": "Servidor",
        "storage": "Storage",
        "concurrency": "Concorrência (sessões)",
        "effective_context": "Contexto efetivo (tokens)",
        "kv_precision": "Precisão KV",
        "kv_budget_ratio": "Budget de KV (fração da HBM)",
        "runtime_overhead_gib": "Overhead de runtime (GiB)",
        "peak_headroom_ratio": "Headroom para picos (Recomendado)",
        "tensor_parallel": "Tensor parallel (GPUs por réplica)",
        "method": "Método",
        "pipeline_parallel": "Pipeline parallel (estágios por réplica)",
        "gpu_memory_utilization": "vLLM: utilização de memória (vazio = 0,92)",
        "weights_gib": "vLLM: pesos em GiB (vazio = catálogo)",
        "non_weight_overhead_gib": "vLLM: overhead fora dos pesos, GiB/GPU (vazio = padrão)",
        "block_size": "vLLM: tokens por bloco (vazio = 16; MLA 64)",
        "max_num_seqs": "vLLM: sequências por réplica (vazio = 1.024)",
        "bad_method": "Método: use seed ou vllm (sglang: veja a planilha Executivo)",
        "bad_deployment": "TP × PP deve dividir as GPUs do nó ou ser múltiplo delas",
        "engine": "VLLM (método vllm; a verificação do engine usa estes valores)",
        "ok": "OK",
        "bad_model": "Modelo desconhecido: veja a planilha Modelos",
        "bad_context": "Contexto acima do máximo do modelo (max_context na planilha Modelos)",
        "bad_weights_prec": "Precisão dos pesos: use fp32, bf16, fp16, fp8, int8, fp4 ou int4, "
        "ou deixe vazio (catálogo)",
        "bad_weights": "Método vllm: tamanho dos pesos desconhecido; preencha weights_gib ou "
        "params_total_b e weights_precision na planilha Modelos, ou a entrada de pesos",
        # under the check when the seed method sizes a model whose weights are unknown; a
        # formula's text, so under Excel's 255 characters
        "no_weights": "ℹ Pesos desconhecidos (planilha Modelos: sem weights_gib, nem "
        "params_total_b e weights_precision): o seed não depende deles; vLLM, tempos de passo, "
        "tokens/s, TTFT e custo por token com nós ocupados mostram —. A entrada de pesos os "
        "calcula.",
        "bad_server": "Servidor desconhecido: veja a planilha Servidores",
        "bad_storage": "Storage desconhecido: veja a planilha Storage",
        "bad_precision": "Precisão KV: use fp8, int8, fp16, bf16 ou fp32",
        "bad_number": "Concorrência, contexto e TP devem ser ≥ 1; budget entre 0 e 1; overhead "
        "e headroom ≥ 0",
        "metric": "Métrica",
        "policy_spares": "Nós de HA (política)",
        "policy_headroom": "Headroom da política (vazio = segue a entrada)",
        "policy_budget": "Budget da política (vazio = segue a entrada)",
        "policy_stricter": "Nunca menos estrito que a entrada",
    },
    "en": {
        "title": "Live model — native formulas",
        "hint": "Change the yellow cells: the three scenarios recompute in Excel or LibreOffice, "
        "with no macros. Every other cell is a formula (the sheet is protected, no password).",
        "inputs": "INPUTS",
        "check": "Input check",
        "arch": "ARCHITECTURE AND SERVER (read from the catalog sheets)",
        "scenarios": "SCENARIOS",
        "model": "Model",
        "server": "Server",
        "storage": "Storage",
        "concurrency": "Concurrency (sessions)",
        "effective_context": "Effective context (tokens)",
        "kv_precision": "KV precision",
        "kv_budget_ratio": "KV budget (fraction of HBM)",
        "runtime_overhead_gib": "Runtime overhead (GiB)",
        "peak_headroom_ratio": "Peak headroom (Recommended)",
        "tensor_parallel": "Tensor parallel (GPUs per replica)",
        "method": "Method",
        "pipeline_parallel": "Pipeline parallel (stages per replica)",
        "gpu_memory_utilization": "vLLM: memory utilisation (blank = 0.92)",
        "weights_gib": "vLLM: weights in GiB (blank = catalog)",
        "non_weight_overhead_gib": "vLLM: non-weight overhead, GiB/GPU (blank = default)",
        "block_size": "vLLM: tokens per block (blank = 16; MLA 64)",
        "max_num_seqs": "vLLM: sequences per replica (blank = 1,024)",
        "bad_method": "Method: use seed or vllm (sglang: see the Executive sheet)",
        "bad_deployment": "TP × PP must divide the node's GPUs or be a multiple of them",
        "engine": "VLLM (method vllm; the engine check uses these figures)",
        "ok": "OK",
        "bad_model": "Unknown model: see the Models sheet",
        "bad_context": "Context above the model's maximum (max_context on the Models sheet)",
        "bad_weights_prec": "Weights precision: use fp32, bf16, fp16, fp8, int8, fp4 or int4, "
        "or leave it blank (catalog)",
        "bad_weights": "Method vllm: weights size unknown; fill weights_gib, or params_total_b "
        "and weights_precision, on the Models sheet, or the weights input",
        "no_weights": "ℹ Weights unknown (Models sheet: no weights_gib, nor params_total_b "
        "and weights_precision): the seed figures need none; vLLM, step times, tokens/s, TTFT "
        "and cost per token with busy nodes show —. The weights input computes them.",
        "bad_server": "Unknown server: see the Servers sheet",
        "bad_storage": "Unknown storage: see the Storage sheet",
        "bad_precision": "KV precision: use fp8, int8, fp16, bf16 or fp32",
        "bad_number": "Concurrency, context and TP must be ≥ 1; budget between 0 and 1; "
        "overhead and headroom ≥ 0",
        "metric": "Metric",
        "policy_spares": "HA nodes (policy)",
        "policy_headroom": "Policy headroom (blank = follow the input)",
        "policy_budget": "Policy budget (blank = follow the input)",
        "policy_stricter": "Never less strict than the input",
    },
}
