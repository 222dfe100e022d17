"""The executive report's phrases and item lists, per language (data beside executive.py)."""

from __future__ import annotations

from sizing_xl.i18n import Lang

PHRASES: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "budget_formula_seed": "(HBM_total - overhead) × budget_ratio",
        "budget_params_seed": "HBM: {hbm_gib} GiB, Overhead: {overhead} GiB, Ratio: {budget_ratio}",
        "budget_assumption_seed": "Overhead reserva memória para modelo, ativações e buffers; "
        "budget_ratio evita fragmentação",
        "sessions_formula_seed": "floor(Budget_KV / KV_per_session)",
        "sessions_params_seed": "Budget: {budget_gib} GiB, KV/sessão: {kv_per_session} GiB",
        "sessions_assumption_seed": "Capacidade limitada por memória, não por compute",
        "budget_formula_engine": "(memória utilizável × {fraction_name} − pesos/GPU − overhead) "
        "× GPUs",
        "budget_params_engine": "Utilizável: {usable} GiB/GPU, {fraction_name}: {fraction}, "
        "Pesos: {weights} GiB/GPU, Overhead: {engine_overhead} GiB/GPU, GPUs: {gpus}",
        "budget_assumption_engine": "Regra de memória do {engine} ({engine_version}); pesos "
        "divididos por TP {tp} × PP {pp}",
        "sessions_formula_engine": "min(blocos por GPU ÷ blocos por sessão, {cap_name}) × réplicas "
        "por nó",
        "sessions_params_engine": "Blocos: {blocks} de {block} tokens, por sessão: "
        "{blocks_per_session}, réplicas/nó: {replicas}",
        "sessions_assumption_engine": "Capacidade limitada por memória e pelo limite de "
        "sequências do engine",
        "row_engine_check": "Verificação do engine ({engine})",
        "row_throughput": "Vazão no nó cheio",
        "cost_assumptions": "Premissas de custo:",
        "infeasible": "inviável",
        "engine_check_value": "{sessions} sessões/nó · {nodes}",
        "method_line": "\n- **Método de memória:** {method}{check}",
        "method_check": "; verificação: {engine}, {sessions} sessões/nó ({ratio} do método)",
        "method_seed": "seed (sizing.py v2.0)",
        "method_engine": "{engine} ({engine_version})",
        "date": "%d/%m/%Y",
        "datetime": "%d/%m/%Y %H:%M:%S",
        "arch_gqa": "{layers} camadas, {kv_heads} KV heads, padrão de atenção {pattern}",
        "arch_mla": "{layers} camadas, latente MLA de {rank}+{rope} elementos, padrão de atenção "
        "{pattern}",
        "kv_params_gqa": "Camadas: {layers}, KV heads: {kv_heads}, Context: {context}, "
        "Precisão: {precision} ({bytes})",
        "kv_params_mla": "Camadas: {layers}, Latente MLA: {rank} + {rope}, Context: {context}, "
        "Precisão: {precision} ({bytes})",
        "tp": ", TP: {tp}",
        "byte": "1 byte/elem",
        "bytes": "{n} bytes/elem",
        "ha_none": "Sem redundância",
        "tolerance_0": "Nenhuma",
        "tolerance_n": "{n} {nodes} ({ha})",
        "node": "nó",
        "nodes": "nós",
        "table_head": "| Métrica | Valor |\n|---------|-------|",
        "row_model": "Modelo avaliado",
        "row_server": "Servidor base",
        "row_context": "Contexto efetivo",
        "context_value": "{context} tokens",
        "row_concurrency": "Concorrência alvo",
        "concurrency_value": "{concurrency} sessões simultâneas",
        "row_kv": "KV cache por sessão",
        "row_kv_total": "KV total necessário",
        "row_budget": "Budget efetivo de HBM por nó",
        "budget_value": "{budget} GiB (de {hbm} GiB totais)",
        "row_sessions": "Sessões suportadas por nó",
        "row_nodes": "Nós {family} necessários",
        "row_ha": "Arquitetura de HA",
        "row_headroom": "Headroom para picos",
        "meaning_minimum": "Este cenário dimensiona a infraestrutura no limite da capacidade "
        "técnica. Com {nodes_words}, o sistema atende a carga nominal, mas **não possui tolerância "
        "a falhas**. Qualquer evento de manutenção ou falha de hardware resulta em indisponibilidade "
        "imediata. Picos de tráfego não planejados causarão degradação de performance ou "
        "throttling. Adequado apenas para ambientes de desenvolvimento ou PoCs com baixa "
        "criticidade.",
        "meaning_recommended": "Este cenário foi dimensionado para operação em produção. Com "
        "{nodes} nós ({operational} operacionais + {spares} para HA), o sistema tolera a **falha "
        "de {spare_nodes}** sem perda de capacidade crítica. O headroom de {headroom} garante "
        "absorção de picos de demanda sem degradação de experiência. Em caso de falha, os nós "
        "restantes mantêm {capacity} sessões, suficiente para a carga nominal{margin}. "
        "**Recomendado para produção com SLA de 99.9%**.",
        "margin": " com margem",
        "meaning_ideal": "Este cenário maximiza resiliência operacional. Com {nodes} nós "
        "({operational} operacionais + {spares} para HA), o sistema tolera **falhas simultâneas "
        "de até {spare_nodes}**, cenário raro mas possível em eventos de rack ou rede. O headroom "
        "de {headroom} e budget conservador de KV ({budget_ratio} vs {base_budget_ratio} padrão) "
        "garantem estabilidade mesmo sob múltiplas adversidades. Indicado para cargas de missão "
        "crítica (financeiro, healthcare) ou ambientes com alta imprevisibilidade de demanda.",
        "meaning_infeasible": "**Cenário inviável:** nem uma sessão ({kv} GiB de KV cache) cabe "
        "no budget de {budget} GiB por nó. Reduza o contexto efetivo, use precisão fp8 ou escolha "
        "um servidor com mais HBM.",
        "meaning_infeasible_slo": "**Cenário inviável:** a memória comporta sessões, mas nenhuma "
        "cumpre o SLO ({slo}) neste servidor. Relaxe o SLO, escolha um servidor mais rápido ou um "
        "modelo menor.",
        "conclusion_infeasible_slo": "**Conclusão Principal:** Com contexto de {context} tokens, "
        "a memória de um nó {server} comporta sessões, mas nenhuma cumpre o SLO ({slo}) no "
        "cenário recomendado. A configuração atual é **inviável**: relaxe o SLO, escolha um "
        "servidor mais rápido ou um modelo menor.",
        "recommendation_infeasible_slo": "Considerando os requisitos atuais (concorrência de "
        "{concurrency} sessões, contexto de {context} tokens), **nenhum cenário recomendado é "
        "viável com os parâmetros atuais**.\n\n**Justificativa:** Nenhuma sessão cumpre o SLO "
        "({slo}) num nó {server}, embora a memória as comporte. Antes de qualquer procurement, "
        "relaxe o SLO, avalie um servidor mais rápido ou um modelo menor, e gere este relatório "
        "novamente.",
        "slo_tokens_per_second": "≥ {value} tokens/s por sessão",
        "slo_ttft": "TTFT ≤ {value} s",
        "conclusion": "**Conclusão Principal:** Para sustentar {concurrency} sessões simultâneas "
        "com contexto de {context} tokens, a infraestrutura passa a ser limitada por memória de "
        "GPU, exigindo **{nodes} nós {family}** (cenário recomendado) para garantir estabilidade, "
        "tolerância a falhas e continuidade operacional.",
        "conclusion_infeasible": "**Conclusão Principal:** Com contexto de {context} tokens e "
        "precisão {precision}, nem uma sessão ({kv} GiB de KV cache) cabe no budget de HBM de um "
        "nó {server} ({budget} GiB) no cenário recomendado. A configuração atual é **inviável**: "
        "reduza o contexto efetivo, use precisão fp8 ou escolha um servidor com mais HBM.",
        "comparison": "**Conclusão Comparativa:** O **cenário Recomendado** oferece o melhor "
        "equilíbrio entre custo e resiliência. Com {recommended} nós ({capex} vs Mínimo), garante "
        "operação estável em produção, tolerando falhas simples e picos de demanda. O cenário "
        "Mínimo ({minimum_words}) reduz capex, mas expõe a operação a risco de indisponibilidade "
        "não gerenciável. O cenário Ideal ({ideal} nós) é justificável apenas para cargas de "
        "missão crítica com SLA > 99.95% ou em ambientes com histórico de falhas múltiplas.",
        "comparison_infeasible": "**Conclusão Comparativa:** Ao menos um cenário é inviável com os "
        "parâmetros atuais (nem uma sessão cabe em um nó ou cumpre os SLOs); a comparação de custo só vale depois de "
        "ajustar contexto, precisão, servidor ou SLOs.",
        "no_alerts": "- Nenhum alerta técnico identificado.",
        "recommendation": "Considerando os requisitos atuais (concorrência de {concurrency} "
        "sessões, contexto de {context} tokens) e o perfil de uso esperado para operação em "
        "produção, **recomenda-se a adoção do cenário RECOMENDADO**.\n\n**Justificativa:** Com "
        "**{nodes} nós {family}** ({operational} operacionais + {spares} para HA), este cenário "
        "equilibra eficiência de capital, estabilidade operacional e tolerância a falhas, sem "
        "comprometer a experiência do usuário. O sistema suporta picos de até {headroom} acima da "
        "carga nominal e mantém operação em caso de falha de {spare_nodes}.",
        "recommendation_infeasible": "Considerando os requisitos atuais (concorrência de "
        "{concurrency} sessões, contexto de {context} tokens), **nenhum cenário recomendado é "
        "viável com os parâmetros atuais**.\n\n**Justificativa:** Nem uma sessão ({kv} GiB de KV "
        "cache) cabe no budget de HBM de {budget} GiB por nó {server}. Antes de qualquer "
        "procurement, reduza o contexto efetivo, adote precisão fp8 ou avalie um servidor com mais "
        "HBM, e gere este relatório novamente.",
        "precision_1byte": "Manter {precision} como padrão. Mudança para FP16 requer reavaliação de "
        "capacidade e custo.",
        "precision_2byte": "{precision} dobra o KV cache frente a FP8. Avaliar a migração para "
        "FP8, que reduz o número de nós; qualquer mudança requer reavaliação de capacidade e "
        "custo.",
        "next_steps": "**Próximos Passos:** Proceder com procurement de {nodes} nós {server}, "
        "implementar monitoramento de capacidade em tempo real e estabelecer política de "
        "governança para controle de contexto e concorrência.",
        "next_steps_infeasible": "**Próximos Passos:** Revisar os parâmetros de entrada (contexto, "
        "precisão KV, servidor, SLOs) e repetir o dimensionamento antes de qualquer decisão de "
        "investimento.",
    },
    "en": {
        "budget_formula_seed": "(HBM_total - overhead) × budget_ratio",
        "budget_params_seed": "HBM: {hbm_gib} GiB, Overhead: {overhead} GiB, Ratio: {budget_ratio}",
        "budget_assumption_seed": "Overhead reserves memory for the model, activations and "
        "buffers; budget_ratio avoids fragmentation",
        "sessions_formula_seed": "floor(Budget_KV / KV_per_session)",
        "sessions_params_seed": "Budget: {budget_gib} GiB, KV/session: {kv_per_session} GiB",
        "sessions_assumption_seed": "Capacity limited by memory, not compute",
        "budget_formula_engine": "(usable memory × {fraction_name} − weights/GPU − overhead) × GPUs",
        "budget_params_engine": "Usable: {usable} GiB/GPU, {fraction_name}: {fraction}, "
        "Weights: {weights} GiB/GPU, Overhead: {engine_overhead} GiB/GPU, GPUs: {gpus}",
        "budget_assumption_engine": "{engine}'s memory rule ({engine_version}); weights split over "
        "TP {tp} × PP {pp}",
        "sessions_formula_engine": "min(blocks per GPU ÷ blocks per session, {cap_name}) × "
        "replicas per node",
        "sessions_params_engine": "Blocks: {blocks} of {block} tokens, per session: "
        "{blocks_per_session}, replicas/node: {replicas}",
        "sessions_assumption_engine": "Capacity limited by memory and by the engine's limit of "
        "sequences",
        "row_engine_check": "Engine check ({engine})",
        "row_throughput": "Throughput at full load",
        "cost_assumptions": "Cost assumptions:",
        "infeasible": "infeasible",
        "engine_check_value": "{sessions} sessions/node · {nodes}",
        "method_line": "\n- **Memory method:** {method}{check}",
        "method_check": "; check: {engine}, {sessions} sessions/node ({ratio} of the method)",
        "method_seed": "seed (sizing.py v2.0)",
        "method_engine": "{engine} ({engine_version})",
        "date": "%Y-%m-%d",
        "datetime": "%Y-%m-%d %H:%M:%S",
        "arch_gqa": "{layers} layers, {kv_heads} KV heads, {pattern} attention pattern",
        "arch_mla": "{layers} layers, MLA latent of {rank}+{rope} elements, {pattern} attention "
        "pattern",
        "kv_params_gqa": "Layers: {layers}, KV heads: {kv_heads}, Context: {context}, "
        "Precision: {precision} ({bytes})",
        "kv_params_mla": "Layers: {layers}, MLA latent: {rank} + {rope}, Context: {context}, "
        "Precision: {precision} ({bytes})",
        "tp": ", TP: {tp}",
        "byte": "1 byte/elem",
        "bytes": "{n} bytes/elem",
        "ha_none": "No redundancy",
        "tolerance_0": "None",
        "tolerance_n": "{n} {nodes} ({ha})",
        "node": "node",
        "nodes": "nodes",
        "table_head": "| Metric | Value |\n|---------|-------|",
        "row_model": "Model evaluated",
        "row_server": "Base server",
        "row_context": "Effective context",
        "context_value": "{context} tokens",
        "row_concurrency": "Target concurrency",
        "concurrency_value": "{concurrency} concurrent sessions",
        "row_kv": "KV cache per session",
        "row_kv_total": "Total KV required",
        "row_budget": "Effective HBM budget per node",
        "budget_value": "{budget} GiB (of {hbm} GiB total)",
        "row_sessions": "Sessions supported per node",
        "row_nodes": "{family} nodes required",
        "row_ha": "HA architecture",
        "row_headroom": "Peak headroom",
        "meaning_minimum": "This scenario sizes the infrastructure at the limit of technical "
        "capacity. With {nodes_words}, the system serves the nominal load but has **no fault "
        "tolerance**. Any maintenance event or hardware failure causes immediate unavailability. "
        "Unplanned traffic peaks will cause performance degradation or throttling. Suitable only "
        "for development environments or low-criticality PoCs.",
        "meaning_recommended": "This scenario is sized for production. With {nodes} nodes "
        "({operational} operational + {spares} for HA), the system tolerates the **failure of "
        "{spare_nodes}** without losing critical capacity. The {headroom} headroom absorbs demand "
        "peaks without degrading the experience. On a failure, the remaining nodes keep "
        "{capacity} sessions, enough for the nominal load{margin}. **Recommended for production "
        "with a 99.9% SLA**.",
        "margin": " with a margin",
        "meaning_ideal": "This scenario maximizes operational resilience. With {nodes} nodes "
        "({operational} operational + {spares} for HA), the system tolerates **up to "
        "{spare_nodes} failing at once**, rare but possible in rack or network events. The "
        "{headroom} headroom and the conservative KV budget ({budget_ratio} vs {base_budget_ratio} "
        "default) keep it stable even under several adversities. For mission-critical workloads "
        "(finance, healthcare) or environments with highly unpredictable demand.",
        "meaning_infeasible": "**Infeasible scenario:** not even one session ({kv} GiB of KV "
        "cache) fits the {budget} GiB budget per node. Reduce the effective context, use fp8 "
        "precision or choose a server with more HBM.",
        "meaning_infeasible_slo": "**Infeasible scenario:** memory holds sessions, but none "
        "meets the SLO ({slo}) on this server. Relax the SLO, choose a faster server or a smaller "
        "model.",
        "conclusion_infeasible_slo": "**Main Conclusion:** With a context of {context} tokens, "
        "the memory of one {server} node holds sessions, but none meets the SLO ({slo}) in the "
        "recommended scenario. The current configuration is **infeasible**: relax the SLO, "
        "choose a faster server or a smaller model.",
        "recommendation_infeasible_slo": "Given the current requirements (concurrency of "
        "{concurrency} sessions, context of {context} tokens), **no recommended scenario is "
        "feasible with the current parameters**.\n\n**Rationale:** No session meets the SLO "
        "({slo}) on a {server} node, although memory holds them. Before any procurement, relax "
        "the SLO, evaluate a faster server or a smaller model, and generate this report again.",
        "slo_tokens_per_second": "≥ {value} tokens/s per session",
        "slo_ttft": "TTFT ≤ {value} s",
        "conclusion": "**Main Conclusion:** To sustain {concurrency} concurrent sessions with a "
        "context of {context} tokens, the infrastructure becomes bound by GPU memory, requiring "
        "**{nodes} {family} nodes** (recommended scenario) for stability, fault tolerance and "
        "operational continuity.",
        "conclusion_infeasible": "**Main Conclusion:** With a context of {context} tokens and "
        "{precision} precision, not even one session ({kv} GiB of KV cache) fits the HBM budget "
        "of one {server} node ({budget} GiB) in the recommended scenario. The current "
        "configuration is **infeasible**: reduce the effective context, use fp8 precision or "
        "choose a server with more HBM.",
        "comparison": "**Comparative Conclusion:** The **Recommended scenario** offers the best "
        "balance between cost and resilience. With {recommended} nodes ({capex} vs Minimum), it "
        "keeps production stable, tolerating single failures and demand peaks. The Minimum "
        "scenario ({minimum_words}) cuts capex but exposes the operation to unmanageable "
        "unavailability risk. The Ideal scenario ({ideal} nodes) is justified only for "
        "mission-critical workloads with an SLA > 99.95% or environments with a history of "
        "multiple failures.",
        "comparison_infeasible": "**Comparative Conclusion:** At least one scenario is infeasible "
        "with the current parameters (not even one session fits a node or meets the SLOs); the "
        "cost comparison only holds after adjusting context, precision, server or SLOs.",
        "no_alerts": "- No technical alerts identified.",
        "recommendation": "Given the current requirements (concurrency of {concurrency} "
        "sessions, context of {context} tokens) and the usage profile expected in production, "
        "**the RECOMMENDED scenario is the one to adopt**.\n\n**Rationale:** With **{nodes} "
        "{family} nodes** ({operational} operational + {spares} for HA), this scenario balances "
        "capital efficiency, operational stability and fault tolerance without compromising the "
        "user experience. The system absorbs peaks of up to {headroom} above the nominal load and "
        "keeps operating when {spare_nodes} fails.",
        "recommendation_infeasible": "Given the current requirements (concurrency of "
        "{concurrency} sessions, context of {context} tokens), **no recommended scenario is "
        "feasible with the current parameters**.\n\n**Rationale:** Not even one session ({kv} GiB "
        "of KV cache) fits the HBM budget of {budget} GiB per {server} node. Before any "
        "procurement, reduce the effective context, adopt fp8 precision or evaluate a server with "
        "more HBM, and generate this report again.",
        "precision_1byte": "Keep {precision} as the default. Moving to FP16 requires a new "
        "capacity and cost assessment.",
        "precision_2byte": "{precision} doubles the KV cache against FP8. Evaluate moving to FP8, "
        "which reduces the node count; any change requires a new capacity and cost assessment.",
        "next_steps": "**Next Steps:** Proceed with the procurement of {nodes} {server} nodes, "
        "put real-time capacity monitoring in place and set a governance policy for context and "
        "concurrency.",
        "next_steps_infeasible": "**Next Steps:** Review the inputs (context, KV precision, "
        "server, SLOs) and run the sizing again before any investment decision.",
    },
}


# Section 6's risk lists and section 7's governance premises, as (title, text) items so the
# Markdown report and the Executive sheet print the same words.
ITEMS: dict[Lang, dict[str, list[tuple[str, str]]]] = {
    "pt-BR": {
        "limit_risks": [
            (
                "Indisponibilidade imediata em falhas",
                "Com {minimum_nodes_words} e sem HA, qualquer falha de hardware paralisa o serviço",
            ),
            (
                "Degradação em picos",
                "Sem headroom, variações de demanda causam throttling, latência elevada ou recusa "
                "de conexões",
            ),
            (
                "Impossibilidade de manutenção planejada",
                "Deploy de updates ou manutenção preventiva exigem janela de downtime",
            ),
        ],
        "decision_risks": [
            (
                "Precisão KV (FP16 vs FP8)",
                "Uso de FP16 dobra o consumo de memória, reduzindo sessões/nó em ~50% e aumentando "
                "custos de infra proporcionalmente. FP8 oferece qualidade equivalente na maioria dos "
                "casos, sendo fortemente recomendado.",
            ),
            (
                "Contexto máximo liberado",
                "Liberar contexto de {max_context} tokens sem controle de governança pode levar a "
                "sobrecarga não planejada. Recomenda-se limite de {context} tokens com throttling "
                "para casos excepcionais.",
            ),
            (
                "Budget de HBM agressivo",
                "Alocar >75% da HBM para KV cache aumenta risco de fragmentação de memória e "
                "instabilidade em runtime. Cenário Ideal usa {ideal_budget_ratio} (conservador) para "
                "maior estabilidade.",
            ),
        ],
        "undersizing_risks": [
            (
                "Filas de espera",
                "Sessões excedentes entram em fila, aumentando latência e degradando experiência do "
                "usuário",
            ),
            (
                "Degradação de SLA",
                "Percentis P95/P99 de latência ultrapassam limites aceitáveis, violando acordos de "
                "nível de serviço",
            ),
            (
                "Indisponibilidade parcial",
                "Em falhas, sistema opera em modo degradado, recusando novas conexões ou encerrando "
                "sessões existentes",
            ),
        ],
        "premises": [
            (
                "Limite de Contexto",
                "Manter contexto efetivo em {context} tokens com controle de governança. Liberação "
                "de contexto máximo ({max_context} tokens) deve exigir aprovação.",
            ),
            (
                "Concorrência Monitorada",
                "Implementar alertas quando concorrência real ultrapassar {watch_sessions} sessões "
                "(80% da capacidade), permitindo escala proativa.",
            ),
            ("Precisão KV", "{precision_premise}"),
            (
                "Budget de HBM",
                "Respeitar {budget_ratio} de alocação para KV cache. Ajustes devem ser validados via "
                "profiling.",
            ),
        ],
    },
    "en": {
        "limit_risks": [
            (
                "Immediate unavailability on failures",
                "With {minimum_nodes_words} and no HA, any hardware failure halts the service",
            ),
            (
                "Degradation at peaks",
                "With no headroom, demand variations cause throttling, high latency or refused "
                "connections",
            ),
            (
                "No planned maintenance",
                "Deploying updates or preventive maintenance needs a downtime window",
            ),
        ],
        "decision_risks": [
            (
                "KV precision (FP16 vs FP8)",
                "FP16 doubles memory use, cutting sessions/node by ~50% and raising infrastructure "
                "cost in proportion. FP8 gives equivalent quality in most cases and is strongly "
                "recommended.",
            ),
            (
                "Maximum context released",
                "Releasing a context of {max_context} tokens without governance can lead to "
                "unplanned overload. A limit of {context} tokens is recommended, with throttling for "
                "exceptional cases.",
            ),
            (
                "Aggressive HBM budget",
                "Allocating >75% of HBM to the KV cache raises the risk of memory fragmentation and "
                "runtime instability. The Ideal scenario uses {ideal_budget_ratio} (conservative) "
                "for more stability.",
            ),
        ],
        "undersizing_risks": [
            (
                "Queues",
                "Excess sessions wait in a queue, raising latency and degrading the user experience",
            ),
            (
                "SLA degradation",
                "P95/P99 latency percentiles exceed acceptable limits, breaching service level "
                "agreements",
            ),
            (
                "Partial unavailability",
                "On failures, the system runs degraded, refusing new connections or ending existing "
                "sessions",
            ),
        ],
        "premises": [
            (
                "Context Limit",
                "Keep the effective context at {context} tokens under governance. Releasing the "
                "maximum context ({max_context} tokens) must require approval.",
            ),
            (
                "Monitored Concurrency",
                "Alert when real concurrency exceeds {watch_sessions} sessions (80% of capacity), "
                "allowing proactive scaling.",
            ),
            ("KV Precision", "{precision_premise}"),
            (
                "HBM Budget",
                "Keep {budget_ratio} of HBM allocated to the KV cache. Changes must be validated by "
                "profiling.",
            ),
        ],
    },
}
