// LEMON's MaxWeightedMatching on an `iln solve` edge list, for side-by-side benchmarks.
// Usage: lemon_driver FILE [REPEAT]; prints "seconds weight cardinality cpu_seconds" per
// repeat, timing only the matching run (graph construction excluded, as for the Rust engines);
// the CPU time is the process's, which stays meaningful when the machine is shared.
#include <lemon/smart_graph.h>
#include <lemon/matching.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE [REPEAT]\n", argv[0]);
        return 2;
    }
    int repeat = argc > 2 ? std::atoi(argv[2]) : 1;
    std::ifstream in(argv[1]);
    if (!in) {
        std::fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    std::vector<long long> us, vs, ws;
    std::unordered_map<long long, int> index;
    std::string line;
    long long lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        std::istringstream fields(line);
        long long u, v, w;
        if (!(fields >> u >> v >> w)) {
            std::fprintf(stderr, "line %lld: expected `u v w`\n", lineno);
            return 2;
        }
        us.push_back(u);
        vs.push_back(v);
        ws.push_back(w);
        index.emplace(u, 0);
        index.emplace(v, 0);
    }
    for (int r = 0; r < repeat; ++r) {
        lemon::SmartGraph g;
        std::unordered_map<long long, lemon::SmartGraph::Node> node;
        node.reserve(index.size());
        for (size_t i = 0; i < us.size(); ++i) {
            for (long long id : {us[i], vs[i]}) {
                if (node.find(id) == node.end()) node.emplace(id, g.addNode());
            }
        }
        lemon::SmartGraph::EdgeMap<long long> weight(g);
        for (size_t i = 0; i < us.size(); ++i) {
            lemon::SmartGraph::Edge e = g.addEdge(node[us[i]], node[vs[i]]);
            weight[e] = ws[i];
        }
        std::clock_t cpu_start = std::clock();
        auto start = std::chrono::steady_clock::now();
        lemon::MaxWeightedMatching<lemon::SmartGraph, lemon::SmartGraph::EdgeMap<long long>> mwm(g, weight);
        mwm.run();
        auto stop = std::chrono::steady_clock::now();
        std::clock_t cpu_stop = std::clock();
        long long total = mwm.matchingWeight();
        int size = mwm.matchingSize();
        std::printf("%.6f %lld %d %.6f\n", std::chrono::duration<double>(stop - start).count(), total,
                    size, double(cpu_stop - cpu_start) / CLOCKS_PER_SEC);
    }
    return 0;
}
