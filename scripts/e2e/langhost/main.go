// Command pulumi-language-nodejs is a small Node.js language host for the e2e
// toolchain (scripts/e2e/toolchain.sh builds it; it is not part of the product).
//
// Upstream's host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which the Go
// module proxy reachable from the dev/CI machines does not serve. This host speaks the
// same LanguageRuntime gRPC protocol (github.com/pulumi/pulumi/sdk/v3, same version as
// the CLI) and does what upstream's does for `pulumi preview/up/destroy/refresh`:
// it starts `node <@pulumi/pulumi/cmd/run> --monitor ... <program>` from the
// project's node_modules, so the program runs in the real @pulumi/pulumi runtime.
//
// Supported: Handshake, GetPluginInfo, GetRequiredPlugins (node_modules scan),
// Run (runtime options typescript/nodeargs/tsconfig), RunPlugin (policy packs, Node.js
// plugins), GetProgramDependencies, About.
// Not supported: InstallDependencies (run npm yourself), codegen (GenerateProject,
// GeneratePackage, GenerateProgram, Pack, Link).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

const (
	runModule = "@pulumi/pulumi/cmd/run"
	// @pulumi/pulumi's run script exits with this code after it has already shown
	// the user an actionable error; the engine must not print another one.
	exitAfterUserActionableMessage = 32
)

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
	running       map[*exec.Cmd]struct{}
}

func main() {
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flag.String("root", "", "project root (ignored; taken from the RunRequest)")
	flag.Bool("typescript", true, "ignored; use the runtime option 'typescript'")
	flag.Parse()

	h := &host{tracing: *tracing, running: map[*exec.Cmd]struct{}{}}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from our first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host RPC stopped serving: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: strings.TrimPrefix(version.Version, "v")}, nil
}

// ---------------------------------------------------------------- options

type options struct {
	typescript bool
	nodeArgs   []string
	tsconfig   string
}

func parseOptions(info *pulumirpc.ProgramInfo) options {
	o := options{typescript: true}
	if info == nil || info.GetOptions() == nil {
		return o
	}
	m := info.GetOptions().AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["nodeargs"].(string); ok && strings.TrimSpace(v) != "" {
		o.nodeArgs = strings.Fields(v)
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	return o
}

// programDirs returns (program directory, entry point, root directory) of a request,
// preferring the structured ProgramInfo and falling back to the legacy fields.
func programDirs(info *pulumirpc.ProgramInfo, pwd, program string) (string, string, string) {
	dir, entry, root := pwd, program, pwd
	if info != nil && info.GetProgramDirectory() != "" {
		dir, entry, root = info.GetProgramDirectory(), info.GetEntryPoint(), info.GetRootDirectory()
	}
	if entry == "" {
		entry = "."
	}
	if root == "" {
		root = dir
	}
	return dir, entry, root
}

func nodeBinary() (string, error) {
	p, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	return p, nil
}

// resolveModule finds a module the way the program will, from its directory.
func resolveModule(node, dir, mod string) (string, error) {
	cmd := exec.Command(node, "-e", fmt.Sprintf("console.log(require.resolve(%q))", mod))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("It looks like the Pulumi SDK has not been installed in %s "+
			"(require.resolve(%q) failed: %v). Have you run npm install?", dir, mod, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// -------------------------------------------------------------------- Run

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := nodeBinary()
	if err != nil {
		return nil, err
	}
	dir, entry, root := programDirs(req.GetInfo(), req.GetPwd(), req.GetProgram())
	opts := parseOptions(req.GetInfo())
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = runModule
	}
	if !filepath.IsAbs(runPath) {
		if runPath, err = resolveModule(node, dir, runPath); err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
	}

	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()

	// As upstream's host: nothing of ours is preloaded, so the e2e sees what users' hosts give the
	// program (its own preloads come through nodeargs, e.g. scripts/runtime/inspect-guard.cjs).
	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runPath)
	if req.GetOrganization() != "" {
		args = append(args, "--organization", req.GetOrganization())
	}
	args = append(args,
		"--monitor", req.GetMonitorAddress(),
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--pwd", dir,
		"--root-directory", root,
	)
	if engine != "" {
		args = append(args, "--engine", engine)
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if p := req.GetParallel(); p > 1 {
		args = append(args, "--parallel", strconv.Itoa(int(p)))
	}
	if h.tracing != "" {
		args = append(args, "--tracing", h.tracing)
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secrets),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(opts.typescript),
	)
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	h.track(cmd, true)
	err = cmd.Wait()
	h.track(cmd, false)

	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr):
		code := exitErr.ExitCode()
		if code == exitAfterUserActionableMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err)}, nil
	}
}

// -------------------------------------------------------------- RunPlugin

// RunPlugin runs a Node.js plugin the way upstream's host does: a policy pack (kind "analyzer", what
// `pulumi preview --policy-pack <dir>` asks for) through @pulumi/pulumi's run-policy-pack in the pack's
// directory, behind the SDK's PolicyProxy, which hands the pack the stack's configuration; any other
// kind through run-plugin. Output goes back to the engine on the stream, which is how it learns the
// plugin's port.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, err := nodeBinary()
	if err != nil {
		return err
	}
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	opts := parseOptions(info)
	analyzer := req.GetKind() == string(apitype.AnalyzerPlugin)
	module := "@pulumi/pulumi/cmd/run-plugin"
	if analyzer {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := resolveModule(node, dir, module)
	if err != nil {
		return err
	}

	env := req.GetEnv()
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}
	args := append([]string{runPath}, opts.nodeArgs...)
	// A policy pack takes its directory last, any other plugin first.
	if analyzer {
		args = append(append(args, req.GetArgs()...), dir)
	} else {
		args = append(append(args, dir), req.GetArgs()...)
	}

	var proxy *sdk.PolicyProxy
	if analyzer {
		if proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout); err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		config, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration: %w", err)
		}
		if config != nil {
			add := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			add("PULUMI_NODEJS_ORGANIZATION", config.GetOrganization())
			add("PULUMI_NODEJS_PROJECT", config.GetProject())
			add("PULUMI_NODEJS_STACK", config.GetStack())
			add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(config.GetDryRun()))
			if config.GetConfig() != nil {
				b, err := json.Marshal(config.GetConfig())
				if err != nil {
					return err
				}
				add("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = req.GetPwd()
	if analyzer {
		cmd.Dir = dir // policy packs have always run in their own directory
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start node: %w", err)
	}
	h.track(cmd, true)
	defer h.track(cmd, false)
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach the policy pack proxy: %w", err)
		}
	} else if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", exitErr.ExitCode())
		}
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	return closer.Close()
}

func (h *host) track(cmd *exec.Cmd, add bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if add {
		h.running[cmd] = struct{}{}
	} else {
		delete(h.running, cmd)
	}
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cmd := range h.running {
		if cmd.Process != nil {
			_ = cmd.Process.Signal(os.Interrupt)
		}
	}
	return &emptypb.Empty{}, nil
}

// ----------------------------------------------------------- plugins/deps

type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// installedPackages lists the package.json files of node_modules/<pkg> and
// node_modules/@scope/<pkg> (top level only), following symlinks.
func installedPackages(dir string) []string {
	nm := filepath.Join(dir, "node_modules")
	var out []string
	entries, _ := os.ReadDir(nm)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if strings.HasPrefix(name, "@") {
			sub, _ := os.ReadDir(filepath.Join(nm, name))
			for _, s := range sub {
				out = append(out, filepath.Join(nm, name, s.Name(), "package.json"))
			}
			continue
		}
		out = append(out, filepath.Join(nm, name, "package.json"))
	}
	sort.Strings(out)
	return out
}

func pluginName(p *packageJSON) string {
	if p.Pulumi.Name != "" {
		return p.Pulumi.Name
	}
	if strings.HasPrefix(p.Name, "@pulumi/") {
		return strings.TrimPrefix(p.Name, "@pulumi/")
	}
	return strings.TrimPrefix(p.Name, "@")
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir, _, _ := programDirs(req.GetInfo(), req.GetPwd(), req.GetProgram())
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, path := range installedPackages(dir) {
		p, err := readPackageJSON(path)
		if err != nil || !p.Pulumi.Resource {
			continue
		}
		v := p.Pulumi.Version
		if v == "" {
			v = p.Version
		}
		if v != "" && !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: pluginName(p), Kind: "resource", Version: v, Server: p.Pulumi.Server,
		})
	}
	return resp, nil
}

func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir, _, _ := programDirs(req.GetInfo(), req.GetPwd(), req.GetProgram())
	project, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for n := range project.Dependencies {
		names[n] = true
	}
	if req.GetTransitiveDependencies() {
		for n := range project.DevDependencies {
			names[n] = true
		}
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for n := range names {
		v := project.Dependencies[n]
		if p, err := readPackageJSON(filepath.Join(dir, "node_modules", n, "package.json")); err == nil {
			v = p.Version
		}
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: n, Version: v})
	}
	sort.Slice(resp.Dependencies, func(i, j int) bool { return resp.Dependencies[i].Name < resp.Dependencies[j].Name })
	return resp, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := nodeBinary()
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}
