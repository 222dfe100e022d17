"""The parameter dictionary (the seed report's section 8), shared by the report and the workbook."""

from __future__ import annotations

from sizing_xl.i18n import Lang

# (parameter, origin, description, importance); the seed cut two descriptions at "(ex: 0";
# they are given whole here.
PARAMETER_DICTIONARY: dict[Lang, list[tuple[str, str, str, str]]] = {
    "pt-BR": [
        (
            "num_layers",
            "Arquitetura do Modelo",
            "Número total de camadas (layers) do transformer no modelo LLM",
            "Impacta linearmente o tamanho do KV cache",
        ),
        (
            "num_key_value_heads",
            "Arquitetura do Modelo",
            "Número de cabeças (heads) de atenção para Key e Value",
            "Impacta diretamente o tamanho do KV cache",
        ),
        (
            "attention_pattern",
            "Arquitetura do Modelo",
            "Padrão de atenção usado pelo modelo: 'full' (todas camadas atendem contexto completo), "
            "'sliding' (janela deslizante), ou 'hybrid' (mix de full e sliding)",
            "Crítico para cálculo correto de KV cache",
        ),
        (
            "effective_context",
            "NFR do Produto",
            "Tamanho de contexto (em tokens) que sua aplicação efetivamente usará em runtime",
            "Impacta diretamente o tamanho do KV cache por sessão",
        ),
        (
            "concurrency",
            "NFR do Produto",
            "Número de sessões/requisições simultâneas (concurrent users) que o sistema deve suportar",
            "Define quantos nós você precisa",
        ),
        (
            "kv_precision",
            "Runtime/Configuração",
            "Precisão numérica usada para armazenar tensores Key e Value: fp8/int8 (1 byte/elemento) "
            "ou fp16/bf16 (2 bytes/elemento)",
            "Impacta diretamente (2x) o tamanho do KV cache",
        ),
        (
            "kv_budget_ratio",
            "Tuning de Infraestrutura",
            "Fração da HBM total alocada para KV cache (ex: 0.70)",
            "Define quantas sessões cabem por nó",
        ),
        (
            "runtime_overhead_gib",
            "Estimativa de Runtime",
            "Memória GPU (GiB) reservada para modelo (pesos), ativações de computação, e buffers do "
            "runtime de inferência",
            "Subtrai da HBM disponível antes de calcular budget de KV",
        ),
        (
            "peak_headroom_ratio",
            "NFR de Resiliência",
            "Fração adicional de capacidade reservada para picos de tráfego (ex: 0.20)",
            "Garante que sistema aguenta picos sem degradação de SLO",
        ),
        (
            "ha_mode",
            "NFR de Disponibilidade",
            "Modo de alta disponibilidade: 'none' (sem redundância), 'n+1' (tolera falha de 1 nó), "
            "'n+2' (tolera 2 nós)",
            "Define quantos nós extras alocar para redundância",
        ),
    ],
    "en": [
        (
            "num_layers",
            "Model Architecture",
            "Total number of transformer layers in the LLM",
            "Scales the KV cache size linearly",
        ),
        (
            "num_key_value_heads",
            "Model Architecture",
            "Number of attention heads for Key and Value",
            "Directly scales the KV cache size",
        ),
        (
            "attention_pattern",
            "Model Architecture",
            "Attention pattern of the model: 'full' (every layer attends to the whole context), "
            "'sliding' (sliding window), or 'hybrid' (a mix of full and sliding)",
            "Critical to size the KV cache correctly",
        ),
        (
            "effective_context",
            "Product NFR",
            "Context size (in tokens) your application will actually use at runtime",
            "Directly scales the KV cache per session",
        ),
        (
            "concurrency",
            "Product NFR",
            "Number of simultaneous sessions/requests (concurrent users) the system must sustain",
            "Sets how many nodes you need",
        ),
        (
            "kv_precision",
            "Runtime/Configuration",
            "Numeric precision of the Key and Value tensors: fp8/int8 (1 byte/element) or fp16/bf16 "
            "(2 bytes/element)",
            "Directly (2x) scales the KV cache size",
        ),
        (
            "kv_budget_ratio",
            "Infrastructure Tuning",
            "Fraction of total HBM allocated to the KV cache (e.g. 0.70)",
            "Sets how many sessions fit a node",
        ),
        (
            "runtime_overhead_gib",
            "Runtime Estimate",
            "GPU memory (GiB) reserved for the model (weights), compute activations and the inference "
            "runtime's buffers",
            "Subtracted from HBM before the KV budget is computed",
        ),
        (
            "peak_headroom_ratio",
            "Resilience NFR",
            "Extra fraction of capacity reserved for traffic peaks (e.g. 0.20)",
            "Makes the system absorb peaks without SLO degradation",
        ),
        (
            "ha_mode",
            "Availability NFR",
            "High-availability mode: 'none' (no redundancy), 'n+1' (tolerates 1 node failure), "
            "'n+2' (tolerates 2)",
            "Sets how many extra nodes to allocate for redundancy",
        ),
    ],
}
